-- The unfiltered overview numbers of this snapshot (written by setup/stored_answers.sql; the same columns as
-- summary.sql).
select * from stored_summary
