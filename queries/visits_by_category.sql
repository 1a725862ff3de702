-- Per technology category: visits featuring it, delegates exposed to it, mean interest score; most visited first.
with

categories_seen as (
    select * from filtered_visit_technologies($date_from, $date_to, $cities, $departments, $kinds, $categories)
),

final as (
    select
        c.category_id,
        any_value(c.category_en) as category_en,
        any_value(c.category_zh) as category_zh,
        count(*) as visits,
        sum(c.delegates)::bigint as delegates_exposed,
        round(avg(c.interest_score), 2) as mean_interest_score,
    from categories_seen as c
    group by c.category_id
    order by visits desc, delegates_exposed desc, c.category_id
)

select * from final
