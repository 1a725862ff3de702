-- Delegates and visits per department and city.
with

delegates as (
    select * from filtered_participants($date_from, $date_to, $cities, $departments, $kinds, $categories)
),

final as (
    select
        department,
        any_value(department_en) as department_en,
        any_value(department_zh) as department_zh,
        city,
        any_value(city_zh) as city_zh,
        count(*) as delegates,
        count(distinct visit_id) as visits,
    from delegates
    group by department, city
    order by department, city
)

select * from final
