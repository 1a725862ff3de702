-- For each city and technology category: visits featuring it, delegates exposed to it, mean interest score.
with

categories_seen as (
    select * from filtered_visit_technologies($date_from, $date_to, $cities, $departments, $kinds, $categories)
),

per_pair as (
    select
        c.ck,
        c.category_id,
        any_value(c.category_en) as category_en,
        any_value(c.category_zh) as category_zh,
        count(*) as visits,
        sum(c.delegates)::bigint as delegates_exposed,
        round(avg(c.interest_score), 2) as mean_interest_score,
    from categories_seen as c
    group by c.ck, c.category_id
),

final as (
    select
        k.city,
        k.city_zh,
        p.category_id,
        p.category_en,
        p.category_zh,
        p.visits,
        p.delegates_exposed,
        p.mean_interest_score,
    from per_pair as p
    inner join city_keys as k on k.ck = p.ck
    order by k.city, p.category_id
)

select * from final
