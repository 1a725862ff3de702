-- Delegates, visits and departments per department kind (government, public body, academia, trade, organiser).
-- Delegates and departments come from the daily and monthly totals; a visit counts for a kind when its mask of
-- departments (see has_department in filters.sql) meets the kind's departments in view: no visit key is
-- collected into a distinct count.
with

per_department as (
    select * from delegates_per_department($date_from, $date_to, $cities, $departments, $kinds, $categories)
),

per_kind as (
    select
        k.kind,
        sum(d.delegates)::bigint as delegates,
        count(*) as departments,
        bit_or(department_bit(k.dk)) as bits,
        list(k.dk) filter (where k.dk >= 127) as shared,
    from per_department as d
    inner join department_keys as k on k.dk = d.dk
    group by k.kind
),

visits_per_kind as (
    select
        k.kind,
        count(*) as visits,
    from filtered_visits($date_from, $date_to, $cities, $departments, $kinds, $categories) as v
    inner join per_kind as k
        on (v.dmask & k.bits) != 0
        and (
            v.shared_dks is null
            or (v.dmask & k.bits & ~shared_department_bit()) != 0
            or list_has_any(v.shared_dks, k.shared)
        )
    group by k.kind
),

final as (
    select
        k.kind,
        k.delegates,
        coalesce(v.visits, 0) as visits,
        k.departments,
    from per_kind as k
    left join visits_per_kind as v on v.kind = k.kind
    order by k.delegates desc, k.kind
)

select * from final
