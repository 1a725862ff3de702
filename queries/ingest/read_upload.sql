-- An uploaded CSV file as text, every column named by position (c0, c1, ...), in the file's order (the
-- rowid of the table it goes into numbers the rows). $parallel: both threads read (only for a file without
-- quotes: the parallel reader cannot take a quoted line break). $max_line_size: the longest line expected
-- (DuckDB's default, or the file's size when a line is longer: reading.py, _LineSize).
select *
from read_csv(
    $path,
    header = true,
    names = $names,
    all_varchar = true,
    delim = ',',
    quote = '"',
    escape = '"',
    encoding = 'utf-8',
    null_padding = true,
    parallel = $parallel,
    max_line_size = $max_line_size
)
