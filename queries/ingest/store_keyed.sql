-- A keyed table's uploaded rows (`ingest_rows`) against the stored ones (`ingest_stored`: text, an empty
-- text as missing, since both are the same answer): each distinct row once, whether its key is stored, and
-- whether the stored row differs. `_key` and `_vals` are structs (see validate.packed).
with

uploaded as (
    select * from ingest_rows
),

stored as (
    select _key, _vals as stored_vals from ingest_stored
),

kept as (
    select
        _key,
        _vals,
        min([_piece, _row]) as first_seen,
    from uploaded
    group by all
),

compared as (
    select
        kept.first_seen[1] as _piece,
        kept.first_seen[2] as _row,
        kept._key,
        kept._vals,
        stored.stored_vals is not null as is_stored,
        stored.stored_vals,
        stored.stored_vals is not null and kept._vals is distinct from stored.stored_vals as differs,
    from kept
    left join stored on stored._key = kept._key
),

final as (
    select * from compared
)

select * from final
