-- Departments to offer in the department filter: the reference list plus any code a participant row names.
with

participant_departments as (
    select department from department_keys
),

final as (
    select
        coalesce(d.department_id, p.department) as department_id,
        coalesce(d.name_en, p.department) as name_en,
        coalesce(d.name_zh, d.name_en, p.department) as name_zh,
        coalesce(d.kind, 'unknown') as kind,
    from departments as d
    full outer join participant_departments as p on p.department = d.department_id
    order by kind, department_id
)

select * from final
