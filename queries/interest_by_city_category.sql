-- For each city and technology category: visits featuring it, delegates exposed to it, mean interest score.
with

categories_seen as (
    select * from filtered_visit_technologies($date_from, $date_to, $cities, $departments, $kinds, $categories)
),

delegates_per_visit as (
    select
        visit_id,
        count(*) as delegates,
    from filtered_participants($date_from, $date_to, $cities, $departments, $kinds, $categories)
    group by visit_id
),

final as (
    select
        c.city,
        any_value(c.city_zh) as city_zh,
        c.category_id,
        any_value(c.category_en) as category_en,
        any_value(c.category_zh) as category_zh,
        count(distinct c.visit_id) as visits,
        coalesce(sum(d.delegates), 0) as delegates_exposed,
        round(avg(c.interest_score), 2) as mean_interest_score,
    from categories_seen as c
    left join delegates_per_visit as d on d.visit_id = c.visit_id
    group by c.city, c.category_id
    order by c.city, c.category_id
)

select * from final
