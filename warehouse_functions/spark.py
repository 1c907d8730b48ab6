"""The warehouse's SQL functions on a Spark session: the same gamma quantile as DuckDB's (gamma.py),
registered as a Python UDF. spark/run_dbt.py registers them on the session dbt-spark opens."""

from __future__ import annotations

import numpy as np
from pyspark.sql import SparkSession
from pyspark.sql.types import DoubleType

from warehouse_functions.gamma import gamma_quantiles


def gamma_quantile(probability: float | None, shape: float | None, scale: float | None) -> float | None:
    values = [np.nan if value is None else float(value) for value in (probability, shape, scale)]
    result = gamma_quantiles(*(np.array([value]) for value in values))[0]
    return None if np.isnan(result) else float(result)


def register_spark_functions(session: SparkSession) -> None:
    """Register the warehouse's functions on a Spark session (temporary functions; idempotent)."""
    session.udf.register("gamma_quantile", gamma_quantile, DoubleType())
