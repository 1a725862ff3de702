-- The overview numbers: visits, delegates, departments, cities, categories, and the date span.
with

visits_in_view as (
    select * from filtered_visits($date_from, $date_to, $cities, $departments, $kinds, $categories)
),

delegations as (
    select * from filtered_delegation_totals($date_from, $date_to, $cities, $departments, $kinds, $categories)
),

categories_seen as (
    select * from filtered_visit_categories($date_from, $date_to, $cities, $departments, $kinds, $categories)
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

select * from final
