"""dbt on Spark with the warehouse's SQL functions: `spark/run_dbt.py build --target spark ...` runs dbt
in this process (dbt-spark's session mode starts Spark in-process too) after arranging that every Spark
session dbt-spark gets has gamma_quantile registered (warehouse_functions/spark.py). Spark SQL cannot
declare a Python function itself, and dbt-spark offers no hook on its session: so the session builder's
getOrCreate is wrapped, which is the one place every dbt-spark connection passes through."""

from __future__ import annotations

import sys
from pathlib import Path

from pyspark.sql import SparkSession

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the repo's warehouse_functions package

from dbt.cli.main import dbtRunner  # noqa: E402

from warehouse_functions.spark import register_spark_functions  # noqa: E402

_get_or_create = SparkSession.Builder.getOrCreate


_registering = False


def _get_or_create_with_functions(self: SparkSession.Builder) -> SparkSession:
    global _registering
    session = _get_or_create(self)
    if not _registering:  # registering a UDF asks the builder for the session again
        _registering = True
        try:
            register_spark_functions(session)
        finally:
            _registering = False
    return session


def main(argv: list[str]) -> int:
    SparkSession.Builder.getOrCreate = _get_or_create_with_functions  # type: ignore[method-assign]
    result = dbtRunner().invoke(argv)
    return 0 if result.success else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
