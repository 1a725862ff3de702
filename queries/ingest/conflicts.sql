-- Rows of one table sharing a key (`ingest_rows`, see validate.packed: `_key` and `_vals` are structs): a key repeated within a table file,
-- or a key whose values differ from its first appearance anywhere in the upload. A report repeats its visit
-- on every delegate's row, so each distinct version of a report's row counts once.
with

uploaded as (
    select * from ingest_rows
),

versions as (
    select _piece, _row, _is_report, _key, _vals from uploaded where not _is_report
    union all
    select _piece, min(_row) as _row, _is_report, _key, _vals from uploaded where _is_report group by all
),

ranked as (
    select
        *,
        first_value(_piece) over by_key as first_piece,
        first_value(_row) over by_key as first_row,
        first_value(_vals) over by_key as first_vals,
        row_number() over by_key as n_seen,
    from versions
    window by_key as (partition by _key order by _piece, _row)
),

final as (
    select
        _piece,
        _row,
        first_piece,
        first_row,
        if(_piece = first_piece and not _is_report, 'duplicate_key', 'differs_in_upload') as code,
        _key,
        _vals,
        first_vals,
    from ranked
    where n_seen > 1 and ((_piece = first_piece and not _is_report) or _vals is distinct from first_vals)
)

select * from final order by _piece, _row
