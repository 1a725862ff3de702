-- Visits in view, newest first, matching an optional search text (id, host, title, notes in either language,
-- city), at most $limit rows. Every visits column is listed, so the table exported from a page uploads again.
with

shown as (
    select *
    from filtered_visits($date_from, $date_to, $cities, $departments, $kinds, $categories)
    where $search is null
        or contains(
            lower(concat_ws(' ', visit_id, host, title, notes, host_zh, title_zh, notes_zh, city, city_zh)),
            lower($search)
        )
    order by visit_date desc, visit_id
    limit $limit
),

delegates_per_visit as (
    select * from delegates_per_visit($date_from, $date_to, $cities, $departments, $kinds)
    where vk in (select vk from shown)
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
