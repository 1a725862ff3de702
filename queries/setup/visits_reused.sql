-- Visit ids an upload adds that were stored before (a snapshot is then built afresh, not brought up to date).
select count(*) as reused
from added_visits
where visit_id in (select visit_id from visits)
