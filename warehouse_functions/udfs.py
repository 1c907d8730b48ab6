"""Vectorised (Arrow) implementations of the warehouse's SQL functions."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from duckdb import DuckDBPyConnection
from duckdb.func import FunctionNullHandling, PythonUDFType
from duckdb.sqltypes import DOUBLE
from scipy import stats


def _as_float_array(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    # Nulls become NaN so that one mask covers both missing and invalid input.
    return np.asarray(values.to_numpy(zero_copy_only=False), dtype=np.float64)


def gamma_quantile(
    probability: pa.Array | pa.ChunkedArray,
    shape: pa.Array | pa.ChunkedArray,
    scale: pa.Array | pa.ChunkedArray,
) -> pa.Array:
    """Quantile function of the gamma distribution, as R's qgamma(p, shape, scale = scale).

    - A null argument gives null.
    - shape <= 0 gives 0: the gamma distribution degenerates to a point mass at 0 as the shape
      goes to 0, which is what the Garwood lower bound for 0 events (qgamma(alpha/2, 0)) needs.
    - probability outside [0, 1], or scale <= 0, gives null (R would give NaN with a warning).
    - probability 1 gives +infinity when shape > 0.
    """
    p = _as_float_array(probability)
    k = _as_float_array(shape)
    theta = _as_float_array(scale)

    result = np.full(p.shape, np.nan)
    with np.errstate(invalid="ignore"):
        is_valid = (p >= 0) & (p <= 1) & (theta > 0) & ~np.isnan(k)
        is_degenerate = is_valid & (k <= 0)
        is_regular = is_valid & (k > 0)
    result[is_degenerate] = 0.0
    if is_regular.any():
        result[is_regular] = stats.gamma.ppf(
            p[is_regular], k[is_regular], scale=theta[is_regular]
        )
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
