-- Visits in view, newest first, matching an optional search text (id, host, title, notes, city), at most $limit rows.
with

visits_in_view as (
    select * from filtered_visits($date_from, $date_to, $cities, $departments, $kinds, $categories)
    where $search is null
        or contains(lower(concat_ws(' ', visit_id, host, title, notes, city, city_zh)), lower($search))
),

delegates_per_visit as (
    select
        visit_id,
        count(*) as delegates,
        count(distinct department) as departments,
    from filtered_participants($date_from, $date_to, $cities, $departments, $kinds, $categories)
    group by visit_id
),

final as (
    select
        v.visit_id,
        v.visit_date,
        v.city,
        v.city_zh,
        v.host,
        v.visit_type,
        v.title,
        coalesce(d.delegates, 0) as delegates,
        coalesce(d.departments, 0) as departments,
    from visits_in_view as v
    left join delegates_per_visit as d on d.visit_id = v.visit_id
    order by v.visit_date desc, v.visit_id
    limit $limit
)

select * from final
