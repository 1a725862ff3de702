-- One visit's delegation: delegates per department, largest first.
select
    p.department,
    coalesce(d.name_en, p.department) as department_en,
    coalesce(d.name_zh, d.name_en, p.department) as department_zh,
    coalesce(d.kind, 'unknown') as kind,
    count(*) as delegates,
from participants as p
left join departments as d on d.department_id = p.department
where p.visit_id = $visit_id
group by all
order by delegates desc, p.department
