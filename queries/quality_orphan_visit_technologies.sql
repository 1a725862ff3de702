-- Visit-technology rows whose visit_id has no visit (first $limit, with the total).
with

orphans as (
    select vt.*
    from visit_technologies as vt
    anti join visits as v on v.visit_id = vt.visit_id
),

final as (
    select
        *,
        count(*) over () as n_found,
    from orphans
    order by visit_id, category_id
    limit $limit
)

select * from final
