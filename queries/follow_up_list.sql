-- The follow-ups in view, newest first, each marked with whether the department was exposed to the
-- category on a visit in view (a follow-up without exposure came from elsewhere).
with

follow_ups_in_view as (
    select * from filtered_follow_ups($date_from, $date_to, $departments, $kinds, $categories)
),

exposed_pairs as (
    select
        k.department,
        e.category_id,
    from exposed_departments($date_from, $date_to, $cities, $departments, $kinds, $categories) as e
    inner join department_keys as k on k.dk = e.dk
),

final as (
    select
        f.follow_up_date,
        f.category_id,
        f.category_en,
        f.category_zh,
        f.department,
        f.department_en,
        f.department_zh,
        f.follow_up_status,
        f.follow_up_note,
        e.department is not null as is_exposed,
    from follow_ups_in_view as f
    left join exposed_pairs as e on e.department = f.department and e.category_id = f.category_id
    order by f.follow_up_date desc, f.category_id, f.department
)

select * from final
