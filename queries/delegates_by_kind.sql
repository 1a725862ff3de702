-- Delegates, visits and departments per department kind (government, public body, academia, trade, organiser).
with

delegations as (
    select
        k.kind,
        d.*,
    from filtered_delegations($date_from, $date_to, $cities, $departments, $kinds, $categories) as d
    inner join department_keys as k on k.dk = d.dk
),

final as (
    select
        kind,
        sum(delegates)::bigint as delegates,
        count(distinct vk) as visits,
        count(distinct dk) as departments,
    from delegations
    group by kind
    order by delegates desc, kind
)

select * from final
