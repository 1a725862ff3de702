-- The sign-in throttle (SQLite, shared by every replica): wrong attempts per account, and when it may try again
-- (seconds since the epoch: every replica's wall clock, not one process's monotonic clock).
create table if not exists failures (
    account text primary key,
    count_failures integer not null,
    allowed_at real not null
)
