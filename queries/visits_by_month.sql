-- Visits and delegates per calendar month: every month from the first to the last in view, a month without
-- visits as zeros (a line must not bridge an empty month).
with

visits_in_view as (
    select * from filtered_visits($date_from, $date_to, $cities, $departments, $kinds, $categories)
),

months as (
    select
        unnest(generate_series(
            date_trunc('month', min(visit_date)), date_trunc('month', max(visit_date)), interval 1 month
        ))::date as month,
    from visits_in_view
),

visits_per_month as (
    select
        date_trunc('month', visit_date)::date as month,
        count(*) as visits,
    from visits_in_view
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
        m.month,
        coalesce(v.visits, 0) as visits,
        coalesce(d.delegates, 0) as delegates,
    from months as m
    left join visits_per_month as v on v.month = m.month
    left join delegates_per_month as d on d.month = m.month
    order by m.month
)

select * from final
