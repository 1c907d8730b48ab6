"""Scalar SQL functions the warehouse needs and DuckDB lacks.

DuckDB has no gamma (or chi-square) quantile function, which the exact confidence intervals for
rates need: the Garwood interval for a Poisson count and the Fay & Feuer (1997) interval for a
directly standardised rate. `register_functions` adds them to a DuckDB connection; dbt gets them
through the dbt-duckdb plugin in `warehouse_functions.plugin` (wired in profiles.yml).

The functions exist only on connections that registered them. A BI tool that opens the warehouse
file does not have them, so a model that calls them must be materialised as a table; the marts
(views) only select the precomputed columns.

The modules are imported by name, so that each engine loads only its own: `udfs` (DuckDB, Arrow),
`spark` (Spark's Python UDF), both over the engine-free `gamma`.
"""
