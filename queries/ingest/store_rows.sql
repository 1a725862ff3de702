-- The uploaded rows of a table without a key (`ingest_rows`) that are stored already (`ingest_stored`, as
-- text; `_vals` is a struct), matched by whole row and counted: the n-th copy of a row is stored when the
-- store holds at least n copies (two identical delegates stay two).
with

uploaded as (
    select _piece, _row, _key, _vals from ingest_rows
),

stored as (
    select _vals from ingest_stored
),

candidates as (
    select * from uploaded semi join stored using (_vals)
),

uploaded_copies as (
    select _piece, _row, _vals, row_number() over (partition by _vals order by _piece, _row) as n_copy
    from candidates
),

stored_copies as (
    select _vals, row_number() over (partition by _vals) as n_copy
    from stored semi join candidates using (_vals)
),

found as (
    select _piece, _row
    from uploaded_copies
    inner join stored_copies using (_vals, n_copy)
),

final as (
    select * from found
)

select * from final
