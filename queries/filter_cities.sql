-- Cities to offer in the city filter: the reference cities plus any city a visit names, with visit counts.
with

visit_counts as (
    select
        city,
        count(*) as visits,
    from visits
    group by city
),

final as (
    select
        coalesce(c.city, v.city) as city,
        coalesce(c.name_zh, v.city) as name_zh,
        coalesce(v.visits, 0) as visits,
    from cities as c
    full outer join visit_counts as v on v.city = c.city
    order by visits desc, city
)

select * from final
