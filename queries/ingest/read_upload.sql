-- An uploaded CSV file as text, every column named by position (c0, c1, ...), numbered as a spreadsheet
-- numbers rows (row 1 is the header). Read in one thread so the numbers follow the file; a line may be as
-- long as the file ($max_line_size: a long quoted note is not an error).
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
    parallel = false,
    max_line_size = $max_line_size
)
