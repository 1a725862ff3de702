-- From exposure to adoption, per technology category: departments exposed on visits in view (at least one
-- delegate on a visit featuring it), then departments that reached each follow-up stage. A department
-- counts at every stage up to the furthest it reached (a pilot was an idea and a trial first).
-- Exposure comes from `exposed_departments` (see filters.sql): no visit meets its categories.
with

follow_ups_in_view as (
    select * from filtered_follow_ups($date_from, $date_to, $departments, $kinds, $categories)
    where stage > 0
),

exposed as (
    select
        k.category_id,
        k.category_en,
        k.category_zh,
        count(*) as departments_exposed,
    from exposed_departments($date_from, $date_to, $cities, $departments, $kinds, $categories) as e
    inner join category_keys as k on k.tk = e.tk
    group by all
),

furthest as (
    select
        category_id,
        department,
        any_value(category_en) as category_en,
        any_value(category_zh) as category_zh,
        max(stage) as stage,
    from follow_ups_in_view
    group by category_id, department
),

reached as (
    select
        category_id,
        any_value(category_en) as category_en,
        any_value(category_zh) as category_zh,
        count(*) filter (where stage >= 1) as reached_idea,
        count(*) filter (where stage >= 2) as reached_trial,
        count(*) filter (where stage >= 3) as reached_pilot,
        count(*) filter (where stage >= 4) as reached_adopted,
    from furthest
    group by category_id
),

final as (
    select
        coalesce(e.category_id, r.category_id) as category_id,
        coalesce(e.category_en, r.category_en) as category_en,
        coalesce(e.category_zh, r.category_zh) as category_zh,
        coalesce(e.departments_exposed, 0) as departments_exposed,
        coalesce(r.reached_idea, 0) as reached_idea,
        coalesce(r.reached_trial, 0) as reached_trial,
        coalesce(r.reached_pilot, 0) as reached_pilot,
        coalesce(r.reached_adopted, 0) as reached_adopted,
    from exposed as e
    full outer join reached as r on r.category_id = e.category_id
    order by reached_adopted desc, reached_pilot desc, reached_trial desc, reached_idea desc,
        departments_exposed desc, category_id
)

select * from final
