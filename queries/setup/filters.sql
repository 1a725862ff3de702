-- What a filter means, decided once. Every query starts from these filtered sets, which read the fact tables
-- of `facts.sql`.
-- A null argument means "no filter"; list arguments hold the chosen values.

-- The keys of the chosen departments / kinds (every department when neither is chosen).
create macro chosen_departments(departments, kinds) as table
    select dk
    from department_keys
    where (departments is null or list_contains(departments, department))
        and (kinds is null or list_contains(kinds, department_kind));

-- The visits that featured at least one of the chosen categories.
create macro visits_with_categories(categories) as table
    select vk
    from category_facts
    where list_contains(categories, category_id);

-- Visits in the date range and cities that had at least one delegate from the chosen departments / kinds
-- and featured at least one of the chosen categories.
create macro filtered_visits(date_from, date_to, cities, departments, kinds, categories) as table
    select v.*
    from visit_facts as v
    where (date_from is null or v.visit_date >= date_from)
        and (date_to is null or v.visit_date <= date_to)
        and (cities is null or list_contains(cities, v.city))
        and (
            (departments is null and kinds is null)
            or v.vk in (
                select f.vk
                from delegation_facts as f
                where f.dk in (select dk from chosen_departments(departments, kinds))
            )
        )
        and (categories is null or v.vk in (select vk from visits_with_categories(categories)));

-- Delegates of the filtered visits from the chosen departments / kinds, counted per visit and department
-- (`delegates`), by key: join `department_keys` / `city_keys` for names after aggregating.
create macro filtered_delegations(date_from, date_to, cities, departments, kinds, categories) as table
    select
        f.vk,
        f.visit_date,
        f.ck,
        f.dk,
        f.delegates,
    from delegation_facts as f
    where (date_from is null or f.visit_date >= date_from)
        and (date_to is null or f.visit_date <= date_to)
        and f.ck in (select ck from city_keys where cities is null or list_contains(cities, city))
        and f.dk in (select dk from chosen_departments(departments, kinds))
        and (categories is null or f.vk in (select vk from visits_with_categories(categories)));

-- Categories seen on the filtered visits, restricted to the chosen categories.
create macro filtered_visit_technologies(date_from, date_to, cities, departments, kinds, categories) as table
    select c.*
    from category_facts as c
    where (date_from is null or c.visit_date >= date_from)
        and (date_to is null or c.visit_date <= date_to)
        and c.ck in (select ck from city_keys where cities is null or list_contains(cities, city))
        and (
            (departments is null and kinds is null)
            or c.vk in (
                select f.vk
                from delegation_facts as f
                where f.dk in (select dk from chosen_departments(departments, kinds))
            )
        )
        and (categories is null or list_contains(categories, c.category_id));

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
