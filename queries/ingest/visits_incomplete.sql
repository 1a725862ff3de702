-- The upload's new and corrected visits that no stored or uploaded row gives delegates (`no_delegates`) or
-- categories (`no_categories`): one row a visit and what it lacks, by visit id.
with

uploaded as (
    select visit_id from new_visits
    union
    select visit_id from fixed_visits
),

lacking as (
    select visit_id, 'no_delegates' as code from uploaded anti join participants using (visit_id)
    union all
    select visit_id, 'no_categories' as code from uploaded anti join visit_technologies using (visit_id)
),

final as (
    select visit_id, code from lacking
)

select * from final order by visit_id, code
