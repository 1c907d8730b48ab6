-- npr/phbu.parquet; the SQL is shared by the three NPR sectors (macros/staging/npr_episodes.sql).
{{ npr_episodes_base(source('npr', 'phbu')) }}
