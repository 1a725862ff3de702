-- A right password: the account starts afresh.
delete from failures
where account = $account
