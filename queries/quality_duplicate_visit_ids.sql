-- Every visit row whose visit_id appears more than once (first $limit, with the total).
with

repeated as (
    select *
    from visits
    qualify count(*) over (partition by visit_id) > 1
),

final as (
    select
        *,
        count(*) over () as n_found,
    from repeated
    order by visit_id, visit_date, city
    limit $limit
)

select * from final
