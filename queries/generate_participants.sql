-- Synthetic delegates: $n_participants rows spread over $n_visits visits; the organiser joins every visit:
-- the first $n_visits rows are an EMSD leader for each visit in turn, the rest are drawn at random.
with

numbered as (
    select range as i from range($n_participants)
),

final as (
    select
        printf('V%08d', (case when i < $n_visits then i else hash(i, $seed, 'visit') % $n_visits end)::bigint)
            as visit_id,
        -- after the organiser's leader, government departments are the bulk of most delegations
        case
            when i < $n_visits then 'EMSD'
            else ['EMSD', 'AAHK', 'MD', 'FEHD', 'ArchSD', 'CEDD', 'GPA', 'GLD', 'HyD', 'EPD', 'TD', 'HKPF', 'FSD',
                  'CSD', 'GFS', 'HA', 'PPDH', 'DH', 'HKUST', 'HKUST', 'EMTRADE', 'EMTRADE', 'EMTRADE']
                [1 + (hash(i, $seed, 'department') % 23)::integer]
        end as department,
        printf('P%09d', i) as participant_id,
        case when i < $n_visits then 'leader' else 'delegate' end as role,
    from numbered
)

select * from final
