-- Filter-ready copies of the loaded tables, rebuilt whenever the store's rows change (a new snapshot, or an
-- upload's preview). Visits, cities, departments and categories get small integer keys, delegates are counted
-- once per visit and department, and each visit carries a bit mask of its departments and of its categories,
-- so a filter is a scan of integers (no join) over about half as many rows as there are delegates, with the
-- names joined only to the few rows of an answer. This file makes the empty key and fact tables for a full
-- build; `fact_keys.sql` then keys the rows and `fact_rows.sql` writes the facts of the visits in `facts_scope`
-- (all of them here; when a snapshot is brought up to date after an upload, only its rows are keyed and only
-- the visits it touched rewritten: see `facts_touched.sql`).

-- A key's bit in a mask: department keys 1 to 126 have a bit each and larger keys share bit 127; category keys
-- 1 to 62 and bit 63 (categories are fewer, and their mask is on every delegation row: 64 bits scan faster).
-- Keys on the shared bit are listed beside the mask (`shared_dks` / `shared_tks`: null while there are fewer).
create or replace macro department_bit(k) as (1::uhugeint << least(k, 127)::uhugeint);

create or replace macro shared_department_bit() as (1::uhugeint << 127::uhugeint);

create or replace macro category_bit(k) as (1::ubigint << least(k, 63)::ubigint);

create or replace macro shared_category_bit() as (1::ubigint << 63::ubigint);

-- The key tables, empty: `fact_keys.sql` gives a key to each visit, city, department and category of the rows
-- in `added_<table>` (here every row; after an upload only its rows).
create or replace table visit_keys as
select
    0 as vk,
    0 as ck,
    *,
    city as city_zh,
from visits
limit 0;

create or replace table city_keys (
    ck integer,
    city varchar,
    city_zh varchar,
);

create or replace table department_keys (
    dk integer,
    department varchar,
    department_kind varchar,
    kind varchar,
    department_en varchar,
    department_zh varchar,
);

create or replace table category_keys (
    tk integer,
    category_id varchar,
    category_en varchar,
    category_zh varchar,
);

create or replace temp view added_visits as
select * from visits;

create or replace temp view added_participants as
select * from participants;

create or replace temp view added_visit_technologies as
select * from visit_technologies;

-- The visits whose fact rows `fact_rows.sql` (re)writes: all of them (a view: the keys come next).
create or replace temp view facts_scope as
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

-- Each distinct set of (category, interest score) pairs a visit featured (`ss`), and its members: delegates
-- summed per department and set (far fewer than visits), then spread over each set's members, give every
-- department's exposure to a category and its delegate-weighted mean interest without meeting visits with
-- their categories (affinity.sql).
create or replace table score_sets (
    ss integer,
    scores struct(tk integer, interest_score double)[],
);

create or replace table score_set_members (
    ss integer,
    tk integer,
    category_id varchar,
    interest_score double,
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
-- visit's date, city, set of categories and set of scores (null for a visit without categories); a delegate
-- whose visit is not in `visits` counts nowhere.
create or replace table delegation_facts (
    vk integer,
    visit_date date,
    ck integer,
    dk integer,
    delegates integer,
    cs integer,
    ss integer,
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

-- The same per calendar month (`month`: its first day), city, department and set of categories, for views with a
-- category filter (a third of the delegation rows at 10^7 delegates) ...
create or replace table delegation_months (
    month date,
    ck integer,
    dk integer,
    cs integer,
    visits bigint,
    delegates bigint,
);

-- ... and per month, city and department, for views without one (a few thousand rows). A date range's whole
-- months are read from these; the days of a month it covers only in part from the daily rows (see
-- filtered_delegation_totals).
create or replace table delegation_month_totals (
    month date,
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
