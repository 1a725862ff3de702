-- An uploaded CSV file as text, every column named by position (c0, c1, ...), numbered as a spreadsheet
-- numbers rows (row 1 is the header). Read in one thread so the numbers follow the file.
select
    row_number() over () + 1 as _row,
    *,
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
    parallel = false
)
