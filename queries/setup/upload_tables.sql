-- The rows an upload adds to the tables with facts, before they join them (see Store._update).
create or replace temp table added_visits as
select * from visits limit 0;

create or replace temp table added_participants as
select * from participants limit 0;

create or replace temp table added_visit_technologies as
select * from visit_technologies limit 0;
