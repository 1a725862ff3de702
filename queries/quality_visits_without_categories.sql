-- Visits with no technology category (first $limit, with the total).
with

uncategorised as (
    select v.*
    from visits as v
    anti join visit_technologies as vt on vt.visit_id = v.visit_id
),

final as (
    select
        *,
        count(*) over () as n_found,
    from uncategorised
    order by visit_date, visit_id
    limit $limit
)

select * from final
