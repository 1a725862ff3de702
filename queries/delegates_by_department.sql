-- Delegates, visits joined and cities visited, per department, largest first.
with

per_department as (
    select
        dk,
        sum(delegates)::bigint as delegates,
        sum(visits)::bigint as visits,
        count(distinct ck) as cities,
    from filtered_delegation_totals($date_from, $date_to, $cities, $departments, $kinds, $categories)
    group by dk
),

final as (
    select
        k.department,
        k.department_en,
        k.department_zh,
        k.kind,
        d.delegates,
        d.visits,
        d.cities,
    from per_department as d
    inner join department_keys as k on k.dk = d.dk
    order by d.delegates desc, k.department
)

select * from final
