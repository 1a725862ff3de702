-- Delegates, visits joined and cities visited, per department, largest first.
with

delegates as (
    select * from filtered_participants($date_from, $date_to, $cities, $departments, $kinds, $categories)
),

final as (
    select
        department,
        any_value(department_en) as department_en,
        any_value(department_zh) as department_zh,
        any_value(kind) as kind,
        count(*) as delegates,
        count(distinct visit_id) as visits,
        count(distinct city) as cities,
    from delegates
    group by department
    order by delegates desc, department
)

select * from final
