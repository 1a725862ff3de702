-- Visits, delegates and departments reached per period ($granularity: 'month' or 'quarter'), every period
-- from the first to the last in view (empty ones as zeros). A department is first-time in the period of its
-- first delegate ever (the date-from filter does not hide earlier visits, the other filters apply) and
-- returning after that; cumulative reach counts distinct departments from the start of the view.
with

visits_in_view as (
    select * from filtered_visits($date_from, $date_to, $cities, $departments, $kinds, $categories)
),

delegates as (
    select * from filtered_delegation_totals($date_from, $date_to, $cities, $departments, $kinds, $categories)
),

first_seen as (
    select
        dk,
        date_trunc($granularity, min(visit_date))::date as first_period,
    from filtered_delegation_totals(null, $date_to, $cities, $departments, $kinds, $categories)
    group by dk
),

periods as (
    select
        unnest(generate_series(
            date_trunc($granularity, min(visit_date)),
            date_trunc($granularity, max(visit_date)),
            if($granularity = 'quarter', interval 3 month, interval 1 month)
        ))::date as period,
    from visits_in_view
),

visits_per_period as (
    select
        date_trunc($granularity, visit_date)::date as period,
        count(*) as visits,
    from visits_in_view
    group by all
),

departments_per_period as (
    select
        date_trunc($granularity, d.visit_date)::date as period,
        sum(d.delegates)::bigint as delegates,
        count(distinct d.dk) as departments,
        count(distinct d.dk) filter (where f.first_period = date_trunc($granularity, d.visit_date))
            as new_departments,
    from delegates as d
    inner join first_seen as f on f.dk = d.dk
    group by all
),

first_in_view as (
    select
        dk,
        date_trunc($granularity, min(visit_date))::date as period,
    from delegates
    group by dk
),

reach as (
    select
        p.period,
        count(f.dk) as reached,
    from periods as p
    left join first_in_view as f on f.period = p.period
    group by p.period
),

final as (
    select
        p.period,
        coalesce(v.visits, 0) as visits,
        coalesce(d.delegates, 0) as delegates,
        coalesce(d.departments, 0) as departments,
        coalesce(d.new_departments, 0) as new_departments,
        coalesce(d.departments, 0) - coalesce(d.new_departments, 0) as returning_departments,
        (sum(r.reached) over (order by p.period))::bigint as cumulative_departments,
    from periods as p
    left join visits_per_period as v on v.period = p.period
    left join departments_per_period as d on d.period = p.period
    left join reach as r on r.period = p.period
    order by p.period
)

select * from final
