-- Filter-ready copies of the loaded tables, rebuilt whenever the store's rows change (a new snapshot, or an
-- upload's preview). Visits, cities, departments and categories get small integer keys, delegates are counted
-- once per visit and department, and each visit carries a bit mask of its departments and of its categories,
-- so a filter is a scan of integers (no join) over about half as many rows as there are delegates, with the
-- names joined only to the few rows of an answer. This file makes the keys of every visit and the empty fact
-- tables; `fact_rows.sql` fills them for the visits in `facts_scope` (here all of them; after an upload only
-- the visits it touched, see `fact_keys_update.sql`).

-- A key's bit in a mask: department keys 1 to 126 have a bit each and larger keys share bit 127; category keys
-- 1 to 62 and bit 63 (categories are fewer, and their mask is on every delegation row: 64 bits scan faster).
-- Keys on the shared bit are listed beside the mask (`shared_dks` / `shared_tks`: null while there are fewer).
create or replace macro department_bit(k) as (1::uhugeint << least(k, 127)::uhugeint);

create or replace macro shared_department_bit() as (1::uhugeint << 127::uhugeint);

create or replace macro category_bit(k) as (1::ubigint << least(k, 63)::ubigint);

create or replace macro shared_category_bit() as (1::ubigint << 63::ubigint);

-- One key per visits row, in date order, with the Chinese city. (A duplicated visit_id, which the quality page
-- reports, is two visits, and its delegates count with each, as joins on the id did.)
create or replace table visit_keys as
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
from visit_keys;

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

-- Every category code seen on visits, with its names.
create or replace table category_keys as
with

codes as (
    select distinct category_id from visit_technologies
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
        row_number() over (order by c.category_id)::integer as tk,
        c.category_id,
        coalesce(n.name_en, c.category_id) as category_en,
        coalesce(n.name_zh, n.name_en, c.category_id) as category_zh,
    from codes as c
    left join names as n on n.category_id = c.category_id
)

select * from final;

-- The visits whose fact rows `fact_rows.sql` (re)writes: all of them.
create or replace temp table facts_scope as
select vk from visit_keys;

-- Each distinct set of categories a visit featured (`cs`): its mask and its categories on the shared bit. There
-- are few, so a category filter is a join with a small table.
create or replace table category_sets (
    cs integer,
    cmask ubigint,
    shared_tks integer[],
);

-- The categories of each set.
create or replace table category_set_members (
    cs integer,
    tk integer,
    category_id varchar,
);

-- Each visit with its delegates, departments, mask of its departments and set of categories.
create or replace table visit_facts as
select
    *,
    0::bigint as delegates,
    0::bigint as department_count,
    0::uhugeint as dmask,
    []::integer[] as shared_dks,
    0 as cs,
from visit_keys
limit 0;

-- Delegates per visit and department (one row each, so a count of rows is a count of visits), with their
-- visit's date, city and set of categories; a delegate whose visit is not in `visits` counts nowhere.
create or replace table delegation_facts (
    vk integer,
    visit_date date,
    ck integer,
    dk integer,
    delegates integer,
    cs integer,
);

-- Visits and delegates per day, city and department: the delegation facts summed up for views without a
-- category filter (about a ninth of the rows at 10^7 delegates).
create or replace table delegation_totals (
    visit_date date,
    ck integer,
    dk integer,
    visits bigint,
    delegates bigint,
);

-- Categories seen, one row a visit and category (a repeated row counts once; the quality page reports it), with
-- their visit's keys, delegates and departments, and the category's names.
create or replace table category_facts (
    vk integer,
    visit_date date,
    ck integer,
    tk integer,
    category_id varchar,
    interest_score double,
    delegates bigint,
    dmask uhugeint,
    shared_dks integer[],
    category_en varchar,
    category_zh varchar,
);
