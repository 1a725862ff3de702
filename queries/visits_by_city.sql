-- Every city of the reference list with its position, and the visits, delegates and departments in view
-- there; cities visited but missing from the list come last, without a position.
with

visits_in_view as (
    select * from filtered_visits($date_from, $date_to, $cities, $departments, $kinds, $categories)
),

visits_per_city as (
    select
        city,
        count(*) as visits,
    from visits_in_view
    group by city
),

delegates_per_city as (
    select
        k.city,
        sum(d.delegates)::bigint as delegates,
        count(distinct d.dk) as departments,
    from filtered_delegation_totals($date_from, $date_to, $cities, $departments, $kinds, $categories) as d
    inner join city_keys as k on k.ck = d.ck
    group by k.city
),

final as (
    select
        coalesce(c.city, v.city) as city,
        coalesce(c.name_zh, v.city) as city_zh,
        c.lat,
        c.lon,
        coalesce(v.visits, 0) as visits,
        coalesce(d.delegates, 0) as delegates,
        coalesce(d.departments, 0) as departments,
    from cities as c
    full outer join visits_per_city as v on v.city = c.city
    left join delegates_per_city as d on d.city = coalesce(c.city, v.city)
    order by c.city is null, visits desc, delegates desc, city
)

select * from final
