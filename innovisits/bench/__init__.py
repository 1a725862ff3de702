"""`python -m innovisits bench`: the query layer measured side by side with raw DuckDB and with pandas, at
growing sizes, in one run. Every figure that decides a target is a ratio of two things measured on the same
machine in the same run, so a busy machine slows both sides alike."""
