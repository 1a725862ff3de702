-- Department × technology affinity. For each department in view and each category seen: how many of the
-- department's delegates were on visits featuring the category (exposed), that as a share of the
-- department's delegates, and the lift = that share / the share of all delegates in view, so large
-- departments do not dominate. `is_unusual` marks pairs with at least $min_support exposed delegates and a
-- lift of at least $min_lift: the pairs worth a sentence.
with

delegates as (
    select * from filtered_delegations($date_from, $date_to, $cities, $departments, $kinds, $categories)
),

categories_seen as (
    select
        vk,
        category_id,
        any_value(category_en) as category_en,
        any_value(category_zh) as category_zh,
        avg(interest_score) as interest_score,
    from filtered_visit_technologies($date_from, $date_to, $cities, $departments, $kinds, $categories)
    group by vk, category_id
),

department_delegates as (
    select
        k.department,
        k.department_en,
        k.department_zh,
        k.kind,
        d.delegates,
    from (select dk, sum(delegates)::bigint as delegates, from delegates group by dk) as d
    inner join department_keys as k on k.dk = d.dk
),

delegates_per_visit as (
    select
        d.vk,
        k.department,
        sum(d.delegates)::bigint as delegates,
    from delegates as d
    inner join department_keys as k on k.dk = d.dk
    group by all
),

categories as (
    select
        category_id,
        any_value(category_en) as category_en,
        any_value(category_zh) as category_zh,
    from categories_seen
    group by category_id
),

-- Mean interest is weighted by delegates: each exposed delegate counts the visit's score once.
exposure as (
    select
        d.department,
        c.category_id,
        sum(d.delegates) as delegates_exposed,
        sum(d.delegates * c.interest_score) / sum(d.delegates) filter (where c.interest_score is not null)
            as mean_interest_score,
    from delegates_per_visit as d
    inner join categories_seen as c on c.vk = d.vk
    group by d.department, c.category_id
),

overall as (
    select
        category_id,
        sum(delegates_exposed) / (select sum(delegates) from department_delegates) as overall_share,
    from exposure
    group by category_id
),

pairs as (
    select
        d.department,
        d.department_en,
        d.department_zh,
        d.kind,
        c.category_id,
        c.category_en,
        c.category_zh,
        d.delegates,
        coalesce(e.delegates_exposed, 0) as delegates_exposed,
        coalesce(e.delegates_exposed, 0) / d.delegates as exposure_share,
        o.overall_share,
        e.mean_interest_score,
    from department_delegates as d
    cross join categories as c
    left join exposure as e on e.department = d.department and e.category_id = c.category_id
    left join overall as o on o.category_id = c.category_id
),

final as (
    select
        department,
        department_en,
        department_zh,
        kind,
        category_id,
        category_en,
        category_zh,
        delegates,
        delegates_exposed,
        round(exposure_share, 4) as exposure_share,
        round(exposure_share / nullif(overall_share, 0), 2) as lift,
        round(mean_interest_score, 2) as mean_interest_score,
        coalesce(delegates_exposed >= $min_support and lift >= $min_lift, false) as is_unusual,
    from pairs
    order by department, category_id
)

select * from final
