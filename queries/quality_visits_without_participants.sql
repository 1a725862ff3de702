-- Visits with no participant rows (first $limit, with the total).
with

lonely as (
    select v.*
    from visits as v
    anti join participants as p on p.visit_id = v.visit_id
),

final as (
    select
        *,
        count(*) over () as n_found,
    from lonely
    order by visit_date, visit_id
    limit $limit
)

select * from final
