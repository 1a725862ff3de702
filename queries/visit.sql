-- One visit's record.
select
    v.visit_id,
    v.visit_date,
    v.city,
    coalesce(c.name_zh, v.city) as city_zh,
    v.host,
    v.visit_type,
    v.title,
    v.notes,
    v.host_zh,
    v.title_zh,
    v.notes_zh,
from visits as v
left join cities as c on c.city = v.city
where v.visit_id = $visit_id
