-- What a filter means, decided once. Every query starts from these three filtered sets.
-- A null argument means "no filter"; list arguments hold the chosen values.

-- Visits in the date range and cities that had at least one delegate from the chosen departments / kinds
-- and featured at least one of the chosen categories.
create macro filtered_visits(date_from, date_to, cities, departments, kinds, categories) as table
    select
        v.*,
        coalesce(c.name_zh, v.city) as city_zh,
    from visits as v
    left join cities as c on c.city = v.city
    where (date_from is null or v.visit_date >= date_from)
        and (date_to is null or v.visit_date <= date_to)
        and (cities is null or list_contains(cities, v.city))
        and (
            (departments is null and kinds is null)
            or v.visit_id in (
                select p.visit_id
                from participants as p
                left join departments as d on d.department_id = p.department
                where (departments is null or list_contains(departments, p.department))
                    and (kinds is null or list_contains(kinds, d.kind))
            )
        )
        and (
            categories is null
            or v.visit_id in (
                select vt.visit_id
                from visit_technologies as vt
                where list_contains(categories, vt.category_id)
            )
        );

-- Delegates (participants rows) of the filtered visits, from the chosen departments / kinds only.
create macro filtered_participants(date_from, date_to, cities, departments, kinds, categories) as table
    select
        p.visit_id,
        p.department,
        p.participant_id,
        p.role,
        v.visit_date,
        v.city,
        v.city_zh,
        coalesce(d.kind, 'unknown') as kind,
        coalesce(d.name_en, p.department) as department_en,
        coalesce(d.name_zh, d.name_en, p.department) as department_zh,
    from participants as p
    inner join filtered_visits(date_from, date_to, cities, departments, kinds, categories) as v
        on v.visit_id = p.visit_id
    left join departments as d on d.department_id = p.department
    where (departments is null or list_contains(departments, p.department))
        and (kinds is null or list_contains(kinds, d.kind));

-- Categories seen on the filtered visits, restricted to the chosen categories.
create macro filtered_visit_technologies(date_from, date_to, cities, departments, kinds, categories) as table
    select
        vt.visit_id,
        vt.category_id,
        vt.interest_score,
        v.visit_date,
        v.city,
        v.city_zh,
        coalesce(t.name_en, vt.category_id) as category_en,
        coalesce(t.name_zh, t.name_en, vt.category_id) as category_zh,
    from visit_technologies as vt
    inner join filtered_visits(date_from, date_to, cities, departments, kinds, categories) as v
        on v.visit_id = vt.visit_id
    left join technologies as t on t.category_id = vt.category_id
    where categories is null or list_contains(categories, vt.category_id);

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
