-- Participant rows whose department is not in the departments table (first $limit, with the total).
with

unmatched as (
    select p.*
    from participants as p
    anti join departments as d on d.department_id = p.department
),

final as (
    select
        *,
        count(*) over () as n_found,
    from unmatched
    order by department, visit_id
    limit $limit
)

select * from final
