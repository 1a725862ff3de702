-- Visits whose city is not in the cities table (first $limit, with the total).
with

unmatched as (
    select v.*
    from visits as v
    anti join cities as c on c.city = v.city
),

final as (
    select
        *,
        count(*) over () as n_found,
    from unmatched
    order by city, visit_id
    limit $limit
)

select * from final
