-- The technology categories one visit featured, with the delegation's interest score.
select
    vt.category_id,
    coalesce(t.name_en, vt.category_id) as category_en,
    coalesce(t.name_zh, t.name_en, vt.category_id) as category_zh,
    vt.interest_score,
from visit_technologies as vt
left join technologies as t on t.category_id = vt.category_id
where vt.visit_id = $visit_id
order by vt.interest_score desc nulls last, vt.category_id
