-- The first and last visit dates in the store, for the date filter's bounds.
select
    min(visit_date) as first_visit_date,
    max(visit_date) as last_visit_date,
from visits
