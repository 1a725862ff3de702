-- Participant rows whose visit_id has no visit (first $limit, with the total).
with

orphans as (
    select p.*
    from participants as p
    anti join visits as v on v.visit_id = p.visit_id
),

final as (
    select
        *,
        count(*) over () as n_found,
    from orphans
    order by visit_id, department
    limit $limit
)

select * from final
