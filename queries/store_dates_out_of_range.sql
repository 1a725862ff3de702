-- Dates outside the accepted range ($first to $last, config.date_range) per table and date column: how
-- many and the earliest such date. The store refuses data holding any (one would stretch every period chart).
with

visit_dates as (
    select
        'visits' as table_name,
        'visit_date' as column_name,
        count(*) as n_found,
        min(visit_date) as first_found,
    from visits
    where visit_date not between $first and $last
),

follow_up_dates as (
    select
        'follow_ups' as table_name,
        'date' as column_name,
        count(*) as n_found,
        min(date) as first_found,
    from follow_ups
    where date not between $first and $last
),

final as (
    select * from visit_dates
    union all
    select * from follow_up_dates
)

select * from final where n_found > 0
