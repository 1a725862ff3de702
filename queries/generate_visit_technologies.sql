-- Synthetic categories seen: one to three distinct categories a visit, each with an interest score 1-5.
with

slots as (
    select
        v.range as i,
        s.range as slot,
    from range($n_visits) as v
    cross join range(3) as s
    where s.range <= hash(v.range, $seed, 'slots') % 3
),

final as (
    select distinct on (visit_id, category_id)
        printf('V%08d', i) as visit_id,
        ['smart_street_lamps', 'iot_data_platforms', 'smart_buildings', 'remote_monitoring', 'ai_cloud',
         'smart_pv', 'modular_data_centres', 'puzzle_parking', 'robotics']
            [1 + (hash(i, slot, $seed, 'category') % 9)::integer] as category_id,
        (1 + hash(i, slot, $seed, 'score') % 5)::integer as interest_score,
    from slots
)

select * from final
