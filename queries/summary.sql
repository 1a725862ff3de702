-- The overview numbers: visits, delegates, departments, cities, categories, and the date span (see
-- summary_numbers in setup/filters.sql; unfiltered, the store reads them from `stored_summary.sql`).
select * from summary_numbers($date_from, $date_to, $cities, $departments, $kinds, $categories)
