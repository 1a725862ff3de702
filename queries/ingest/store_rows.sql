-- A table without a key (`ingest_rows`) against the stored rows (`ingest_stored`, as text), matched by whole
-- row and counted: the n-th copy of a row is stored when the store holds at least n copies (two identical
-- delegates stay two).
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
    select _piece, _row, true as is_stored
    from uploaded_copies
    inner join stored_copies using (_vals, n_copy)
),

final as (
    select
        uploaded._piece,
        uploaded._row,
        uploaded._key,
        uploaded._vals,
        coalesce(found.is_stored, false) as is_stored,
        null::varchar[] as stored_vals,
        null::bigint as differs_at,
    from uploaded
    left join found using (_piece, _row)
)

select * from final
