-- The Overview's numbers with no filter (what `summary` gives when every filter is empty), computed
-- directly: an upload's preview runs it over a million rows, where the filter macros cost seconds. With the
-- delegates' departments (`department_codes`), from which a preview of new delegates works out the number after.
with

visits_all as (
    select visit_id, city from visits
),

delegates as (
    select p.department from participants as p semi join visits_all as v on v.visit_id = p.visit_id
),

categories_seen as (
    select vt.category_id from visit_technologies as vt semi join visits_all as v on v.visit_id = vt.visit_id
),

department_codes as (
    select list(distinct department) filter (where department is not null) as codes from delegates
),

final as (
    select
        (select count(*) from visits_all) as visits,
        (select count(*) from delegates) as delegates,
        (select coalesce(len(codes), 0) from department_codes) as departments,
        (select codes from department_codes) as department_codes,
        (select count(distinct city) from visits_all) as cities,
        (select count(distinct category_id) from categories_seen) as categories,
)

select * from final
