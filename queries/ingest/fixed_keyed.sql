-- A keyed table's uploaded rows that correct a stored row (`ingest_compared`, from store_keyed: the key is
-- stored with other values), each distinct row once, in file order.
select * exclude (_piece, _row, _is_report, _key, _vals)
from ingest_rows
semi join (select _piece, _row from ingest_compared where differs) using (_piece, _row)
order by _piece, _row
