-- Synthetic visits: $n_visits rows, deterministic in $seed (hash-based, so the same on any thread count).
with

numbered as (
    select range as i from range($n_visits)
),

final as (
    select
        printf('V%08d', i) as visit_id,
        date '2016-01-01' + (hash(i, $seed, 'date') % 3650)::integer as visit_date,
        -- Shenzhen, Guangzhou and Dongguan (the seed's cities) most often, the other GBA cities now and then
        ['Shenzhen', 'Shenzhen', 'Shenzhen', 'Shenzhen', 'Guangzhou', 'Guangzhou', 'Guangzhou', 'Dongguan',
         'Dongguan', 'Foshan', 'Zhuhai', 'Huizhou', 'Zhongshan', 'Jiangmen', 'Zhaoqing', 'Macao', 'Hong Kong']
            [1 + (hash(i, $seed, 'city') % 17)::integer] as city,
        'Host ' || (1 + hash(i, $seed, 'host') % 997) as host,
        ['enterprise', 'enterprise', 'enterprise', 'enterprise', 'enterprise', 'enterprise', 'innovation_base',
         'innovation_base', 'seminar', 'seminar'][1 + (hash(i, $seed, 'type') % 10)::integer] as visit_type,
        'Synthetic visit ' || i as title,
        null::varchar as notes,
        null::varchar as host_zh,
        null::varchar as title_zh,
        null::varchar as notes_zh,
    from numbered
)

select * from final
