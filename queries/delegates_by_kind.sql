-- Delegates, visits and departments per department kind (government, public body, academia, trade, organiser).
with

delegates as (
    select * from filtered_participants($date_from, $date_to, $cities, $departments, $kinds, $categories)
),

final as (
    select
        kind,
        count(*) as delegates,
        count(distinct visit_id) as visits,
        count(distinct department) as departments,
    from delegates
    group by kind
    order by delegates desc, kind
)

select * from final
