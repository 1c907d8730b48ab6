"""The BI export: the disclosure-controlled marts, and nothing else, published from the warehouse into a
DuckDB file and one Parquet file per mart that BI tools open instead of the warehouse (`python -m bi_export`)."""
