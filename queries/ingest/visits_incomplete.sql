-- The upload's new and corrected visits that no stored or uploaded row gives delegates (`no_delegates`) or
-- categories (`no_categories`): one row a visit and what it lacks, by visit id. The big tables are only
-- probed for the few uploaded ids (a semi join), never hashed whole.
with

uploaded as (
    select visit_id from new_visits
    union
    select visit_id from fixed_visits
),

with_delegates as (
    select distinct visit_id from participants semi join uploaded using (visit_id)
),

with_categories as (
    select distinct visit_id from visit_technologies semi join uploaded using (visit_id)
),

lacking as (
    select visit_id, 'no_delegates' as code from uploaded anti join with_delegates using (visit_id)
    union all
    select visit_id, 'no_categories' as code from uploaded anti join with_categories using (visit_id)
),

final as (
    select visit_id, code from lacking
)

select * from final order by visit_id, code
