-- A report's list column (`items`) as one row per listed item, split at any of the separators, white
-- space stripped (`$strip` matches it at either end), empty items dropped.
with

items as (
    select
        listed.* exclude (items),
        nullif(regexp_replace(item.item, $strip, '', 'g'), '') as item,
    from ingest_input as listed,
        unnest(regexp_split_to_array(listed.items, $separators)) as item (item)
),

final as (
    select * from items where item is not null
)

select * from final
