-- Department × technology affinity. For each department in view and each category seen: how many of the
-- department's delegates were on visits featuring the category (exposed), that as a share of the
-- department's delegates, and the lift = that share / the share of all delegates in view, so large
-- departments do not dominate. `is_unusual` marks pairs with at least $min_support exposed delegates and a
-- lift of at least $min_lift: the pairs worth a sentence.
-- Every intermediate result is keyed by integers: delegates are summed per department and set of (category,
-- interest score) pairs their visit featured (`score_sets`: far fewer than visits), then spread over each set's
-- members, so no visit meets its categories and memory holds one total per department and set, however many
-- rows there are.
with

-- The categories seen on the visits in view (restricted to the chosen ones).
categories as (
    select distinct tk
    from filtered_visit_categories($date_from, $date_to, $cities, $departments, $kinds, $categories)
),

department_delegates as (
    select * from delegates_per_department($date_from, $date_to, $cities, $departments, $kinds, $categories)
),

set_delegates as (
    select
        dk,
        ss,
        sum(delegates)::bigint as delegates,
    from filtered_delegations($date_from, $date_to, $cities, $departments, $kinds, $categories)
    where ss is not null
    group by dk, ss
),

-- Mean interest is weighted by delegates: each exposed delegate counts the visit's score once.
exposure as (
    select
        d.dk,
        m.tk,
        sum(d.delegates) as delegates_exposed,
        sum(d.delegates * m.interest_score) / sum(d.delegates) filter (where m.interest_score is not null)
            as mean_interest_score,
    from set_delegates as d
    inner join score_set_members as m on m.ss = d.ss
    where $categories is null or list_contains($categories, m.category_id)
    group by d.dk, m.tk
),

overall as (
    select
        tk,
        sum(delegates_exposed) / (select sum(delegates) from department_delegates) as overall_share,
    from exposure
    group by tk
),

pairs as (
    select
        k.department,
        k.department_en,
        k.department_zh,
        k.kind,
        t.category_id,
        t.category_en,
        t.category_zh,
        d.delegates,
        coalesce(e.delegates_exposed, 0) as delegates_exposed,
        coalesce(e.delegates_exposed, 0) / d.delegates as exposure_share,
        o.overall_share,
        e.mean_interest_score,
    from department_delegates as d
    cross join categories as c
    inner join department_keys as k on k.dk = d.dk
    inner join category_keys as t on t.tk = c.tk
    left join exposure as e on e.dk = d.dk and e.tk = c.tk
    left join overall as o on o.tk = c.tk
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
