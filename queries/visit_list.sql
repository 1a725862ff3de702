-- Visits in view, newest first, matching an optional search text (id, host, title, notes in either language,
-- city), at most $limit rows. Every visits column is listed, so the table exported from a page uploads again.
with

-- The keys first (so the newest are found among narrow rows), then their visits' text columns.
shown_keys as (
    select vk
    from filtered_visits($date_from, $date_to, $cities, $departments, $kinds, $categories)
    where $search is null
        or contains(
            lower(concat_ws(' ', visit_id, host, title, notes, host_zh, title_zh, notes_zh, city, city_zh)),
            lower($search)
        )
    order by visit_date desc, visit_id
    limit $limit
),

shown as (
    select * from visit_facts where vk in (select vk from shown_keys)
),

-- Delegates of the shown visits from the chosen departments / kinds (all of them with no department filter),
-- read from the shown visits' rows only.
delegates_per_visit as (
    select
        vk,
        sum(delegates)::bigint as delegates,
        count(*) as department_count,
    from delegation_facts
    where vk in (select vk from shown_keys)
        and dk in (select dk from chosen_departments($departments, $kinds))
    group by vk
),

final as (
    select
        v.visit_id,
        v.visit_date,
        v.city,
        v.city_zh,
        v.host,
        v.host_zh,
        v.visit_type,
        v.title,
        v.title_zh,
        v.notes,
        v.notes_zh,
        coalesce(d.delegates, 0) as delegates,
        coalesce(d.department_count, 0) as departments,
    from shown as v
    left join delegates_per_visit as d on d.vk = v.vk
    order by v.visit_date desc, v.visit_id
)

select * from final
