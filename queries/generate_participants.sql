-- Synthetic delegates: $n_participants rows spread over $n_visits visits; the organiser joins every visit.
with

numbered as (
    select range as i from range($n_participants)
),

final as (
    select
        printf('V%08d', (hash(i, $seed, 'visit') % $n_visits)::bigint) as visit_id,
        -- the organiser leads; government departments are the bulk of most delegations
        ['EMSD', 'EMSD', 'AAHK', 'MD', 'FEHD', 'ArchSD', 'CEDD', 'GPA', 'GLD', 'HyD', 'EPD', 'TD', 'HKPF', 'FSD',
         'CSD', 'GFS', 'HA', 'PPDH', 'DH', 'HKUST', 'HKUST', 'EMTRADE', 'EMTRADE', 'EMTRADE']
            [1 + (hash(i, $seed, 'department') % 24)::integer] as department,
        printf('P%09d', i) as participant_id,
        case when hash(i, $seed, 'role') % 12 = 0 then 'leader' else 'delegate' end as role,
    from numbered
)

select * from final
