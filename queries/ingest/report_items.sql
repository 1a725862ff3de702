-- A report's list column (`items`) as one row per listed item, trimmed, empty items dropped.
with

items as (
    select
        * exclude (items),
        nullif(trim(unnest(regexp_split_to_array(items, $separators)), $spaces), '') as item,
    from ingest_input
),

final as (
    select * from items where item is not null
)

select * from final
