-- Delegates and visits per department and city.
with

per_pair as (
    select
        dk,
        ck,
        sum(delegates)::bigint as delegates,
        sum(visits)::bigint as visits,
    from filtered_delegation_totals($date_from, $date_to, $cities, $departments, $kinds, $categories)
    group by dk, ck
),

final as (
    select
        k.department,
        k.department_en,
        k.department_zh,
        c.city,
        c.city_zh,
        d.delegates,
        d.visits,
    from per_pair as d
    inner join department_keys as k on k.dk = d.dk
    inner join city_keys as c on c.ck = d.ck
    order by k.department, c.city
)

select * from final
