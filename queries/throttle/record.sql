-- Count one more attempt as wrong (before its password is checked; `forgive` undoes it when it was right).
insert or replace into failures (account, count_failures, allowed_at)
values ($account, $count_failures, $allowed_at)
