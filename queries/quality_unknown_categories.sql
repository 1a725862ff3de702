-- Visit-technology rows whose category is not in the technologies table (first $limit, with the total).
with

unmatched as (
    select vt.*
    from visit_technologies as vt
    anti join technologies as t on t.category_id = vt.category_id
),

final as (
    select
        *,
        count(*) over () as n_found,
    from unmatched
    order by category_id, visit_id
    limit $limit
)

select * from final
