"""Vectorised (Arrow) implementations of the warehouse's SQL functions."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from duckdb import DuckDBPyConnection
from duckdb.func import FunctionNullHandling, PythonUDFType
from duckdb.sqltypes import DOUBLE

from warehouse_functions.gamma import gamma_quantiles


def _as_float_array(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    # Nulls become NaN so that one mask covers both missing and invalid input.
    return np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.float64)


def gamma_quantile(
    probability: pa.Array | pa.ChunkedArray,
    shape: pa.Array | pa.ChunkedArray,
    scale: pa.Array | pa.ChunkedArray,
) -> pa.Array:
    """gamma_quantiles (gamma.py) over Arrow arrays: null in, null out."""
    result = gamma_quantiles(_as_float_array(probability), _as_float_array(shape), _as_float_array(scale))
    return pa.array(result, type=pa.float64(), mask=np.isnan(result))


def register_functions(conn: DuckDBPyConnection) -> None:
    """Register the warehouse's functions on a DuckDB connection (idempotent)."""
    already_registered = {
        row[0]
        for row in conn.execute(
            "select function_name from duckdb_functions() where function_name = 'gamma_quantile'"
        ).fetchall()
    }
    if "gamma_quantile" not in already_registered:
        conn.create_function(
            "gamma_quantile",
            gamma_quantile,
            [DOUBLE, DOUBLE, DOUBLE],
            DOUBLE,
            type=PythonUDFType.ARROW,
            # The function itself maps null input to null output.
            null_handling=FunctionNullHandling.SPECIAL,
            side_effects=False,
        )
