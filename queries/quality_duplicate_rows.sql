-- Rows present more than once, per table: the same key in a reference table, the same category twice on a
-- visit, or an identical participant (only when participant_id is given: delegates without an id cannot be
-- told apart) or follow-up row. One line per repeated row, with its number of copies.
with

repeated_keys as (
    select 'cities' as table_name, city as row_key, count(*) as copies from cities group by all having count(*) > 1
    union all
    select 'departments', department_id, count(*) from departments group by all having count(*) > 1
    union all
    select 'technologies', category_id, count(*) from technologies group by all having count(*) > 1
    union all
    select 'visit_technologies', concat_ws(' · ', visit_id, category_id), count(*)
    from visit_technologies
    group by visit_id, category_id
    having count(*) > 1
    union all
    select 'participants', concat_ws(' · ', visit_id, department, participant_id, role), count(*)
    from participants
    where participant_id is not null
    group by all
    having count(*) > 1
    union all
    select 'follow_ups', concat_ws(' · ', category_id, department, status, date, note), count(*)
    from follow_ups
    group by all
    having count(*) > 1
),

final as (
    select
        table_name,
        row_key,
        copies,
        count(*) over () as n_found,
    from repeated_keys
    order by table_name, row_key
    limit $limit
)

select * from final
