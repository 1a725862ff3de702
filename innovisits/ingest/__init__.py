"""Staff uploads: read CSV files as people make them, validate everything, preview the change, then store
one batch of Parquet files atomically, with an audit log and undo. The web page and the CLI share it all.

Modules: `rules` (what can be uploaded, one declaration a table), `reading` (bytes -> rows), `headers`
(which table a header row is), `resolve` (names, codes, aliases -> canonical keys), `snapshot` (the stored
data as views over its files), `validate` (problems, as DuckDB queries), `batches` (atomic commit, corrections,
undo and what depends on a batch), `reference` (departments, cities, categories and aliases staff add),
`templates`. The audit log, lock and journal are in `innovisits.data`."""
