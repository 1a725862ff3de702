-- Answers that depend on the data version only, computed once when a snapshot is built or brought up to date:
-- a process that asks only for them (`summary --json`) opens the snapshot and reads a row, with no filter
-- macro to plan.
create or replace table stored_summary as
select * from summary_numbers(null, null, null, null, null, null);
