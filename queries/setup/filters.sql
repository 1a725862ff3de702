-- What a filter means, decided once. Every query starts from these filtered sets, which read the fact tables
-- of `facts.sql`. A null argument means "no filter"; list arguments hold the chosen values.
-- Query values are bound before planning, so a test such as `departments is null` is a constant: of two
-- `union all` branches guarded by it, DuckDB drops the one that cannot apply, and an unfiltered view does no
-- filtering work at all.

-- The keys of the chosen departments / kinds (every department when neither is chosen).
create macro chosen_departments(departments, kinds) as table
    select dk
    from department_keys
    where (departments is null or list_contains(departments, department))
        and (kinds is null or list_contains(kinds, department_kind));

-- The delegation rows of the chosen departments / kinds on visits in the date range and cities.
create macro chosen_delegations(date_from, date_to, cities, departments, kinds) as table
    select *
    from delegation_facts
    where dk in (select dk from chosen_departments(departments, kinds))
        and (date_from is null or visit_date >= date_from)
        and (date_to is null or visit_date <= date_to)
        and ck in (select ck from city_keys where cities is null or list_contains(cities, city));

-- The visits that featured at least one of the chosen categories.
create macro visits_with_categories(categories) as table
    select vk
    from category_facts
    where list_contains(categories, category_id);

-- Delegates per visit from the chosen departments / kinds (visits without any are absent); with no
-- department filter, per visit in the date range and cities or not (the caller filters its visits).
create macro delegates_per_visit(date_from, date_to, cities, departments, kinds) as table
    select
        vk,
        delegates,
        department_count,
    from visit_delegates
    where departments is null and kinds is null
    union all
    select
        vk,
        sum(delegates)::bigint as delegates,
        count(*) as department_count,
    from chosen_delegations(date_from, date_to, cities, departments, kinds)
    where departments is not null or kinds is not null
    group by vk;

-- Visits in the date range and cities that featured at least one of the chosen categories.
create macro visits_before_departments(date_from, date_to, cities, categories) as table
    select *
    from visit_facts
    where (date_from is null or visit_date >= date_from)
        and (date_to is null or visit_date <= date_to)
        and (cities is null or list_contains(cities, city))
        and (categories is null or vk in (select vk from visits_with_categories(categories)));

-- ... and had at least one delegate from the chosen departments / kinds.
create macro filtered_visits(date_from, date_to, cities, departments, kinds, categories) as table
    select *
    from visits_before_departments(date_from, date_to, cities, categories)
    where departments is null and kinds is null
    union all
    select *
    from visits_before_departments(date_from, date_to, cities, categories)
    where (departments is not null or kinds is not null)
        and vk in (select vk from chosen_delegations(date_from, date_to, cities, departments, kinds));

-- Delegates of the filtered visits from the chosen departments / kinds, counted per visit and department
-- (`delegates`), by key: join `department_keys` / `city_keys` for names after aggregating.
create macro filtered_delegations(date_from, date_to, cities, departments, kinds, categories) as table
    select
        vk,
        visit_date,
        ck,
        dk,
        delegates,
    from delegation_facts
    where (date_from is null or visit_date >= date_from)
        and (date_to is null or visit_date <= date_to)
        and ck in (select ck from city_keys where cities is null or list_contains(cities, city))
        and dk in (select dk from chosen_departments(departments, kinds))
        and (categories is null or vk in (select vk from visits_with_categories(categories)));

-- Categories seen on visits in the date range and cities, restricted to the chosen categories.
create macro categories_before_departments(date_from, date_to, cities, categories) as table
    select *
    from category_facts
    where (date_from is null or visit_date >= date_from)
        and (date_to is null or visit_date <= date_to)
        and ck in (select ck from city_keys where cities is null or list_contains(cities, city))
        and (categories is null or list_contains(categories, category_id));

-- ... on visits with at least one delegate from the chosen departments / kinds; `delegates` counts those.
create macro filtered_visit_technologies(date_from, date_to, cities, departments, kinds, categories) as table
    select *
    from categories_before_departments(date_from, date_to, cities, categories)
    where departments is null and kinds is null
    union all
    select c.* replace (d.delegates as delegates)
    from categories_before_departments(date_from, date_to, cities, categories) as c
    inner join delegates_per_visit(date_from, date_to, cities, departments, kinds) as d on d.vk = c.vk
    where departments is not null or kinds is not null;

-- Follow-ups dated in the range, from the chosen departments / kinds, for the chosen categories. They have
-- no city: the city filter does not apply to them.
create macro filtered_follow_ups(date_from, date_to, departments, kinds, categories) as table
    select
        f.category_id,
        f.department,
        f.status as follow_up_status,
        f.date as follow_up_date,
        f.note as follow_up_note,
        coalesce(list_position(follow_up_statuses(), f.status), 0) as stage,
        coalesce(d.kind, 'unknown') as kind,
        coalesce(d.name_en, f.department) as department_en,
        coalesce(d.name_zh, d.name_en, f.department) as department_zh,
        coalesce(t.name_en, f.category_id) as category_en,
        coalesce(t.name_zh, t.name_en, f.category_id) as category_zh,
    from follow_ups as f
    left join departments as d on d.department_id = f.department
    left join technologies as t on t.category_id = f.category_id
    where (date_from is null or f.date >= date_from)
        and (date_to is null or f.date <= date_to)
        and (departments is null or list_contains(departments, f.department))
        and (kinds is null or list_contains(kinds, d.kind))
        and (categories is null or list_contains(categories, f.category_id));
