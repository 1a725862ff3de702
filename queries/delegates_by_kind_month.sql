-- Delegates per department kind and calendar month.
with

per_department_month as (
    select
        date_trunc('month', visit_date)::date as month,
        dk,
        sum(delegates) as delegates,
    from filtered_delegation_totals($date_from, $date_to, $cities, $departments, $kinds, $categories)
    group by all
),

final as (
    select
        d.month,
        k.kind,
        sum(d.delegates)::bigint as delegates,
    from per_department_month as d
    inner join department_keys as k on k.dk = d.dk
    group by all
    order by d.month, k.kind
)

select * from final
