-- Visits and delegates per calendar month.
with

visits_per_month as (
    select
        date_trunc('month', visit_date)::date as month,
        count(*) as visits,
    from filtered_visits($date_from, $date_to, $cities, $departments, $kinds, $categories)
    group by all
),

delegates_per_month as (
    select
        date_trunc('month', visit_date)::date as month,
        sum(delegates)::bigint as delegates,
    from filtered_delegation_totals($date_from, $date_to, $cities, $departments, $kinds, $categories)
    group by all
),

final as (
    select
        v.month,
        v.visits,
        coalesce(d.delegates, 0) as delegates,
    from visits_per_month as v
    left join delegates_per_month as d on d.month = v.month
    order by v.month
)

select * from final
