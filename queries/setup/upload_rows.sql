-- The upload's rows join the stored ones (its keys and fact rows follow: fact_keys, facts_touched, fact_rows).
insert into visits
select * from added_visits;

insert into participants
select * from added_participants;

insert into visit_technologies
select * from added_visit_technologies;
