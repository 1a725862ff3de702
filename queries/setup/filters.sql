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

-- The chosen departments' / categories' bits (see department_bit in facts.sql), to test a visit's mask with, and the
-- chosen keys that share the last bit (null when none do).
create macro department_bits(departments, kinds) as (
    select bit_or(department_bit(dk)) from chosen_departments(departments, kinds)
);

create macro shared_departments(departments, kinds) as (
    select list(dk) from chosen_departments(departments, kinds) where dk >= 127
);

create macro category_bits(categories) as (
    select bit_or(category_bit(tk)) from category_keys where list_contains(categories, category_id)
);

create macro shared_categories(categories) as (
    select list(tk) from category_keys where list_contains(categories, category_id) and tk >= 63
);

-- Whether a visit (its department mask and its departments on the shared bit) had a delegate from the chosen
-- departments / kinds: a test of integers, no join. Only a visit with departments on the shared bit (none while
-- there are fewer than 127) is looked at further.
create macro has_department(mask, shared, departments, kinds) as
    (departments is null and kinds is null)
    or (
        (mask & department_bits(departments, kinds)) != 0
        and (
            shared is null
            or (mask & department_bits(departments, kinds) & ~shared_department_bit()) != 0
            or list_has_any(shared, shared_departments(departments, kinds))
        )
    );

-- Whether a visit (its category mask and its categories on the shared bit) featured a chosen category.
create macro has_category(mask, shared, categories) as
    categories is null
    or (
        (mask & category_bits(categories)) != 0
        and (
            shared is null
            or (mask & category_bits(categories) & ~shared_category_bit()) != 0
            or list_has_any(shared, shared_categories(categories))
        )
    );

-- The sets of categories (see category_sets) with at least one of the chosen categories.
create macro chosen_category_sets(categories) as table
    select cs
    from category_sets
    where has_category(cmask, shared_tks, categories);

-- Visits in the date range and cities.
create macro visits_between(date_from, date_to, cities) as table
    select *
    from visit_facts
    where (date_from is null or visit_date >= date_from)
        and (date_to is null or visit_date <= date_to)
        and (cities is null or list_contains(cities, city));

-- Visits in the date range and cities that featured at least one of the chosen categories and had at least
-- one delegate from the chosen departments / kinds.
create macro filtered_visits(date_from, date_to, cities, departments, kinds, categories) as table
    select *
    from visits_between(date_from, date_to, cities)
    where departments is null and kinds is null and categories is null
    union all
    select *
    from visits_between(date_from, date_to, cities)
    where (departments is not null or kinds is not null) and categories is null
        and has_department(dmask, shared_dks, departments, kinds)
    union all
    select *
    from visits_between(date_from, date_to, cities)
    where departments is null and kinds is null and categories is not null
        and cs in (select cs from chosen_category_sets(categories))
    union all
    select *
    from visits_between(date_from, date_to, cities)
    where (departments is not null or kinds is not null) and categories is not null
        and cs in (select cs from chosen_category_sets(categories))
        and has_department(dmask, shared_dks, departments, kinds);

-- Delegates of the filtered visits from the chosen departments / kinds, counted per visit and department
-- (`delegates`), with the visit's set of categories (and of scores), by key: join `department_keys` / `city_keys` for names after aggregating. (A delegate from a
-- chosen department makes its visit one of the filtered visits.)
create macro filtered_delegations(date_from, date_to, cities, departments, kinds, categories) as table
    select
        vk,
        visit_date,
        ck,
        dk,
        cs,
        ss,
        delegates,
    from delegation_facts
    where (date_from is null or visit_date >= date_from)
        and (date_to is null or visit_date <= date_to)
        and (cities is null or ck in (select ck from city_keys where list_contains(cities, city)))
        and ((departments is null and kinds is null) or dk in (select dk from chosen_departments(departments, kinds)))
        and (categories is null or cs in (select cs from chosen_category_sets(categories)));

-- A date range's whole calendar months: from `whole_months_from` (the first day of the first whole month) to
-- before `whole_months_until` (the first day after the last whole month); none when the first is not before it.
create macro whole_months_from(date_from) as
    (date_trunc('month', date_from::date - interval 1 day) + interval 1 month)::date;

create macro whole_months_until(date_to) as date_trunc('month', date_to::date + interval 1 day)::date;

create macro in_whole_months(month, date_from, date_to) as
    (date_from is null or month >= whole_months_from(date_from))
    and (date_to is null or month < whole_months_until(date_to));

-- The days of the range before its whole months (up to `first_days_until`) and after them (from
-- `last_days_from`): they are read from daily rows, each part as one date range so only its days are scanned.
create macro first_days_until(date_from, date_to) as
    least(whole_months_from(date_from) - interval 1 day, date_to::date)::date;

create macro last_days_from(date_from, date_to) as
    greatest(whole_months_until(date_to), whole_months_from(date_from))::date;

-- Delegations per day, city and department from the daily totals, in a date range (both ends given).
create macro delegation_totals_between(day_from, day_to, cities, departments, kinds) as table
    select
        visit_date,
        ck,
        dk,
        visits,
        delegates,
    from delegation_totals
    where visit_date >= day_from
        and visit_date <= day_to
        and (cities is null or ck in (select ck from city_keys where list_contains(cities, city)))
        and ((departments is null and kinds is null) or dk in (select dk from chosen_departments(departments, kinds)));

-- Filtered delegations summed per day (a month's first day for a whole month), city, department and set of
-- categories (`visits`, `delegates`): whole months from the monthly totals, the other days from the facts.
create macro filtered_delegation_cells(date_from, date_to, cities, departments, kinds, categories) as table
    select
        visit_date,
        ck,
        dk,
        cs,
        1::bigint as visits,
        delegates::bigint as delegates,
    from filtered_delegations(date_from, first_days_until(date_from, date_to), cities, departments, kinds, categories)
    where date_from is not null
    union all
    select
        visit_date,
        ck,
        dk,
        cs,
        1::bigint as visits,
        delegates::bigint as delegates,
    from filtered_delegations(last_days_from(date_from, date_to), date_to, cities, departments, kinds, categories)
    where date_to is not null
    union all
    select
        month as visit_date,
        ck,
        dk,
        cs,
        visits,
        delegates,
    from delegation_months
    where in_whole_months(month, date_from, date_to)
        and (cities is null or ck in (select ck from city_keys where list_contains(cities, city)))
        and ((departments is null and kinds is null) or dk in (select dk from chosen_departments(departments, kinds)))
        and (categories is null or cs in (select cs from chosen_category_sets(categories)));

-- Each department in view with each category it was exposed to (`dk`, `tk`, `category_id`: a delegate on a
-- visit in view featuring a chosen category), once: the distinct (department, set of categories) pairs in view,
-- few, spread over each set's categories, so no visit meets its categories.
create macro exposed_departments(date_from, date_to, cities, departments, kinds, categories) as table
    select distinct
        d.dk,
        m.tk,
        m.category_id,
    from (
        select distinct dk, cs
        from filtered_delegation_cells(date_from, date_to, cities, departments, kinds, categories)
    ) as d
    inner join category_set_members as m on m.cs = d.cs
    where categories is null or list_contains(categories, m.category_id);

-- The same without the sets of categories (`visit_date`, `ck`, `dk`, `visits`, `delegates`), for views that
-- need neither visit keys nor days: without a category filter, from the daily and monthly totals.
create macro filtered_delegation_totals(date_from, date_to, cities, departments, kinds, categories) as table
    select *
    from delegation_totals_between(date_from, first_days_until(date_from, date_to), cities, departments, kinds)
    where categories is null and date_from is not null
    union all
    select *
    from delegation_totals_between(last_days_from(date_from, date_to), date_to, cities, departments, kinds)
    where categories is null and date_to is not null
    union all
    select
        month as visit_date,
        ck,
        dk,
        visits,
        delegates,
    from delegation_month_totals
    where categories is null
        and in_whole_months(month, date_from, date_to)
        and (cities is null or ck in (select ck from city_keys where list_contains(cities, city)))
        and ((departments is null and kinds is null) or dk in (select dk from chosen_departments(departments, kinds)))
    union all
    select
        visit_date,
        ck,
        dk,
        visits,
        delegates,
    from filtered_delegation_cells(date_from, date_to, cities, departments, kinds, categories)
    where categories is not null;

-- Delegates per department in view (`dk`, `delegates`): where the kinds' totals and the affinity's shares start.
create macro delegates_per_department(date_from, date_to, cities, departments, kinds, categories) as table
    select
        dk,
        sum(delegates)::bigint as delegates,
    from filtered_delegation_totals(date_from, date_to, cities, departments, kinds, categories)
    group by dk;

-- Delegates per visit from the chosen departments / kinds (visits without any are absent); with no
-- department filter, per visit in the date range and cities or not (the caller filters its visits).
create macro delegates_per_visit(date_from, date_to, cities, departments, kinds) as table
    select
        vk,
        delegates,
        department_count,
    from visit_facts
    where departments is null and kinds is null
    union all
    select
        vk,
        sum(delegates)::bigint as delegates,
        count(*) as department_count,
    from filtered_delegations(date_from, date_to, cities, departments, kinds, null)
    where departments is not null or kinds is not null
    group by vk;

-- Categories seen on the filtered visits, restricted to the chosen categories; `delegates` counts the visit's
-- delegates from every department (see filtered_visit_technologies for the chosen ones only).
create macro filtered_visit_categories(date_from, date_to, cities, departments, kinds, categories) as table
    select *
    from category_facts
    where (date_from is null or visit_date >= date_from)
        and (date_to is null or visit_date <= date_to)
        and (cities is null or ck in (select ck from city_keys where list_contains(cities, city)))
        and (categories is null or list_contains(categories, category_id))
        and has_department(dmask, shared_dks, departments, kinds);

-- ... with `delegates` counting the delegates from the chosen departments / kinds.
create macro filtered_visit_technologies(date_from, date_to, cities, departments, kinds, categories) as table
    select *
    from filtered_visit_categories(date_from, date_to, cities, null, null, categories)
    where departments is null and kinds is null
    union all
    select c.* replace (d.delegates as delegates)
    from filtered_visit_categories(date_from, date_to, cities, departments, kinds, categories) as c
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

-- The overview numbers in view: visits, delegates, departments, cities, categories, and the date span.
create macro summary_numbers(date_from, date_to, cities, departments, kinds, categories) as table
    with

    visits_in_view as (
        select * from filtered_visits(date_from, date_to, cities, departments, kinds, categories)
    ),

    delegations as (
        select * from filtered_delegation_totals(date_from, date_to, cities, departments, kinds, categories)
    ),

    categories_seen as (
        select * from filtered_visit_categories(date_from, date_to, cities, departments, kinds, categories)
    ),

    final as (
        select
            (select count(*) from visits_in_view) as visits,
            (select coalesce(sum(delegates), 0)::bigint from delegations) as delegates,
            (select count(distinct dk) from delegations) as departments,
            (select count(distinct ck) from visits_in_view) as cities,
            (select count(distinct tk) from categories_seen) as categories,
            (select min(visit_date) from visits_in_view) as first_visit_date,
            (select max(visit_date) from visits_in_view) as last_visit_date,
    )

    select * from final;
