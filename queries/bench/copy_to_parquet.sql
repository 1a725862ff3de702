-- The ingest benchmark's baseline: DuckDB's own CSV -> Parquet copy of the uploaded file.
copy (select * from read_csv($source)) to $target (format parquet)
