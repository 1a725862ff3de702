-- Per technology category: visits featuring it, delegates exposed to it, mean interest score; most visited first.
-- With a department filter, delegates exposed are summed per set of categories (few) and then spread over each
-- set's categories, so no total per visit is needed; without one, each visit's total is at hand.
with

categories_seen as (
    select * from filtered_visit_categories($date_from, $date_to, $cities, $departments, $kinds, $categories)
),

delegates_per_set as (
    select
        cs,
        sum(delegates) as delegates,
    from filtered_delegation_cells($date_from, $date_to, $cities, $departments, $kinds, $categories)
    where $departments is not null or $kinds is not null
    group by cs
),

exposure as (
    select
        category_id,
        sum(delegates)::bigint as delegates_exposed,
    from categories_seen
    where $departments is null and $kinds is null
    group by category_id
    union all
    select
        m.category_id,
        sum(d.delegates)::bigint as delegates_exposed,
    from delegates_per_set as d
    inner join category_set_members as m on m.cs = d.cs
    where $categories is null or list_contains($categories, m.category_id)
    group by m.category_id
),

per_category as (
    select
        category_id,
        any_value(category_en) as category_en,
        any_value(category_zh) as category_zh,
        count(*) as visits,
        round(avg(interest_score), 2) as mean_interest_score,
    from categories_seen
    group by category_id
),

final as (
    select
        c.category_id,
        c.category_en,
        c.category_zh,
        c.visits,
        coalesce(e.delegates_exposed, 0) as delegates_exposed,
        c.mean_interest_score,
    from per_category as c
    left join exposure as e on e.category_id = c.category_id
    order by c.visits desc, delegates_exposed desc, c.category_id
)

select * from final
