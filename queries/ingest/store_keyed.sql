-- A keyed table's uploaded rows (`ingest_rows`) against the stored ones (`ingest_stored`, as text): each
-- distinct row once, whether its key is stored, and the first column (1-based) whose stored value differs,
-- the key columns (`$key_positions`) aside; an empty text and a missing value are the same answer.
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

final as (
    select
        kept.first_seen[1] as _piece,
        kept.first_seen[2] as _row,
        kept._key,
        kept._vals,
        stored.stored_vals is not null as is_stored,
        stored.stored_vals,
        if(
            stored.stored_vals is null,
            null,
            list_position(
                list_transform(
                    kept._vals,
                    lambda v, i: not list_contains($key_positions, i)
                        and nullif(v, '') is distinct from nullif(stored.stored_vals[i], '')
                ),
                true
            )
        ) as differs_at,
    from kept
    left join stored on stored._key = kept._key
)

select * from final
