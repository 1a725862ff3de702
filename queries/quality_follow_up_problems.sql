-- Follow-up rows that break a rule: a department or category not in the reference tables, or a status not
-- in follow_up_statuses() (first $limit, with the total).
with

checked as (
    select
        f.*,
        d.department_id is null as is_unknown_department,
        t.category_id is null as is_unknown_category,
        not list_contains(follow_up_statuses(), f.status) as is_unknown_status,
    from follow_ups as f
    left join departments as d on d.department_id = f.department
    left join technologies as t on t.category_id = f.category_id
),

final as (
    select
        *,
        count(*) over () as n_found,
    from checked
    where is_unknown_department or is_unknown_category or is_unknown_status
    order by date, category_id, department
    limit $limit
)

select * from final
