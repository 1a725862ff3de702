-- Delegates per department kind and calendar month.
with

delegates as (
    select * from filtered_participants($date_from, $date_to, $cities, $departments, $kinds, $categories)
),

final as (
    select
        date_trunc('month', visit_date)::date as month,
        kind,
        count(*) as delegates,
    from delegates
    group by all
    order by month, kind
)

select * from final
