-- Delegates per department kind and calendar month: every month from the first to the last in view and
-- every kind in view, zeros included (each month has its bar position, even an empty one).
with

per_department_month as (
    select
        date_trunc('month', visit_date)::date as month,
        dk,
        sum(delegates) as delegates,
    from filtered_delegation_totals($date_from, $date_to, $cities, $departments, $kinds, $categories)
    group by all
),

months as (
    select
        unnest(generate_series(
            date_trunc('month', min(visit_date)), date_trunc('month', max(visit_date)), interval 1 month
        ))::date as month,
    from filtered_visits($date_from, $date_to, $cities, $departments, $kinds, $categories)
),

delegates_per_kind_month as (
    select
        d.month,
        k.kind,
        sum(d.delegates)::bigint as delegates,
    from per_department_month as d
    inner join department_keys as k on k.dk = d.dk
    group by all
),

kinds_in_view as (
    select distinct kind from delegates_per_kind_month
),

final as (
    select
        m.month,
        k.kind,
        coalesce(c.delegates, 0)::bigint as delegates,
    from months as m
    cross join kinds_in_view as k
    left join delegates_per_kind_month as c on c.month = m.month and c.kind = k.kind
    order by m.month, k.kind
)

select * from final
