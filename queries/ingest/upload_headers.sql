-- An uploaded CSV file's columns as DuckDB's reader names them from the header row (a repeated or blank
-- header made unique), read as `read_upload` reads the file: only bound, for its column names, never run.
select *
from read_csv(
    $path,
    header = true,
    all_varchar = true,
    delim = ',',
    quote = '"',
    escape = '"',
    encoding = 'utf-8',
    null_padding = true,
    parallel = false,
    max_line_size = $max_line_size
)
