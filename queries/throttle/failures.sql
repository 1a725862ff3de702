-- An account's wrong attempts so far and when it may try again (no row: none).
select
    count_failures,
    allowed_at
from failures
where account = $account
