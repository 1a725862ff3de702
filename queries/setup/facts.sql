-- Filter-ready copies of the loaded tables, rebuilt whenever the store's rows change (a new snapshot, or an
-- upload's preview). Visits, departments and cities get small integer keys, and delegates are counted once per
-- visit and department, so a filter is a scan of integers over about half as many rows as there are
-- delegates, with the names joined only to the few rows of an answer.

-- One key per visits row, in date order, with the Chinese city. (A duplicated visit_id, which the quality page
-- reports, is two visits, and its delegates count with each, as joins on the id did.)
create or replace table visit_facts as
select
    row_number() over (order by v.visit_date, v.visit_id)::integer as vk,
    dense_rank() over (order by v.city)::integer as ck,
    v.*,
    coalesce(c.name_zh, v.city) as city_zh,
from visits as v
left join (select city, any_value(name_zh) as name_zh, from cities group by city) as c on c.city = v.city;

create or replace table city_keys as
select distinct
    ck,
    city,
    city_zh,
from visit_facts;

-- Every department code seen among delegates, with its kind (null when the code is unknown) and names.
create or replace table department_keys as
with

codes as (
    select distinct department from participants
),

reference as (
    select
        department_id,
        any_value(kind) as kind,
        any_value(name_en) as name_en,
        any_value(name_zh) as name_zh,
    from departments
    group by department_id
),

final as (
    select
        row_number() over (order by c.department)::integer as dk,
        c.department,
        r.kind as department_kind,
        coalesce(r.kind, 'unknown') as kind,
        coalesce(r.name_en, c.department) as department_en,
        coalesce(r.name_zh, r.name_en, c.department) as department_zh,
    from codes as c
    left join reference as r on r.department_id = c.department
)

select * from final;

-- Delegates per visit and department (one row each, so a count of rows is a count of visits); a delegate
-- whose visit is not in `visits` counts nowhere.
create or replace table delegation_facts as
select
    v.vk,
    v.visit_date,
    v.ck,
    k.dk,
    count(*)::integer as delegates,
from participants as p
inner join visit_facts as v on v.visit_id = p.visit_id
inner join department_keys as k on k.department = p.department
group by all
order by v.visit_date, v.vk;

-- Delegates and departments per visit, for views without a department filter.
create or replace table visit_delegates as
select
    vk,
    sum(delegates)::bigint as delegates,
    count(*) as department_count,
from delegation_facts
group by vk;

-- Categories seen, one row a visit and category (a repeated row counts once; the quality page reports it), with
-- their visit's keys and delegates, and the category's names.
create or replace table category_facts as
with

seen as (
    select
        v.vk,
        any_value(v.visit_date) as visit_date,
        any_value(v.ck) as ck,
        vt.category_id,
        avg(vt.interest_score) as interest_score,
    from visit_technologies as vt
    inner join visit_facts as v on v.visit_id = vt.visit_id
    group by v.vk, vt.category_id
),

names as (
    select
        category_id,
        any_value(name_en) as name_en,
        any_value(name_zh) as name_zh,
    from technologies
    group by category_id
),

final as (
    select
        s.*,
        coalesce(d.delegates, 0) as delegates,
        coalesce(n.name_en, s.category_id) as category_en,
        coalesce(n.name_zh, n.name_en, s.category_id) as category_zh,
    from seen as s
    left join visit_delegates as d on d.vk = s.vk
    left join names as n on n.category_id = s.category_id
    order by s.visit_date, s.vk
)

select * from final;
