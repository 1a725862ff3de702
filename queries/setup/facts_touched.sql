-- After an upload's rows are keyed (`fact_keys.sql`): the visits whose fact rows change, those it added and
-- those it added delegates or categories to.
create or replace temp table facts_scope as
select v.vk
from visit_keys as v
where v.visit_id in (
    select visit_id from added_visits
    union
    select visit_id from added_participants
    union
    select visit_id from added_visit_technologies
);
