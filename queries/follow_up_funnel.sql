-- From exposure to adoption, per technology category: departments exposed on visits in view (at least one
-- delegate on a visit featuring it), then departments that reached each follow-up stage. A department
-- counts at every stage up to the furthest it reached (a pilot was an idea and a trial first).
-- Exposure is read per department and set of categories (a few thousand pairs, from the monthly totals where
-- a month is whole) and spread over each set's categories: no visit is joined with its categories.
with

department_sets as (
    select distinct
        dk,
        cs,
    from filtered_delegation_cells($date_from, $date_to, $cities, $departments, $kinds, $categories)
),

follow_ups_in_view as (
    select * from filtered_follow_ups($date_from, $date_to, $departments, $kinds, $categories)
    where stage > 0
),

exposed as (
    select
        k.category_id,
        k.category_en,
        k.category_zh,
        count(distinct d.dk) as departments_exposed,
    from department_sets as d
    inner join category_set_members as m on m.cs = d.cs
    inner join category_keys as k on k.tk = m.tk
    where $categories is null or list_contains($categories, m.category_id)
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
