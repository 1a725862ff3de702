-- Keys for the rows of `added_visits`, `added_participants` and `added_visit_technologies` that have none yet,
-- numbered on from the largest key given. In a full build (every row added) visits are numbered in date order.
-- (A duplicated visit_id, which the quality page reports, is two visits, and its delegates count with each.)

insert into city_keys
with

names as (
    select city, any_value(name_zh) as name_zh, from cities group by city
),

new_cities as (
    select distinct v.city
    from added_visits as v
    where v.city not in (select city from city_keys)
)

select
    (select coalesce(max(ck), 0) from city_keys) + row_number() over (order by n.city)::integer as ck,
    n.city,
    coalesce(c.name_zh, n.city) as city_zh,
from new_cities as n
left join names as c on c.city = n.city;

insert into visit_keys
select
    (select coalesce(max(vk), 0) from visit_keys)
        + row_number() over (order by v.visit_date, v.visit_id)::integer as vk,
    k.ck,
    v.*,
    k.city_zh,
from added_visits as v
inner join city_keys as k on k.city = v.city;

-- Every department code seen among delegates, with its kind (null when the code is unknown) and names.
insert into department_keys
with

reference as (
    select
        department_id,
        any_value(kind) as kind,
        any_value(name_en) as name_en,
        any_value(name_zh) as name_zh,
    from departments
    group by department_id
),

new_codes as (
    select distinct department
    from added_participants
    where department not in (select department from department_keys)
)

select
    (select coalesce(max(dk), 0) from department_keys) + row_number() over (order by c.department)::integer as dk,
    c.department,
    r.kind as department_kind,
    coalesce(r.kind, 'unknown') as kind,
    coalesce(r.name_en, c.department) as department_en,
    coalesce(r.name_zh, r.name_en, c.department) as department_zh,
from new_codes as c
left join reference as r on r.department_id = c.department;

-- Every category code seen on visits, with its names.
insert into category_keys
with

names as (
    select
        category_id,
        any_value(name_en) as name_en,
        any_value(name_zh) as name_zh,
    from technologies
    group by category_id
),

new_codes as (
    select distinct category_id
    from added_visit_technologies
    where category_id not in (select category_id from category_keys)
)

select
    (select coalesce(max(tk), 0) from category_keys) + row_number() over (order by c.category_id)::integer as tk,
    c.category_id,
    coalesce(n.name_en, c.category_id) as category_en,
    coalesce(n.name_zh, n.name_en, c.category_id) as category_zh,
from new_codes as c
left join names as n on n.category_id = c.category_id;
