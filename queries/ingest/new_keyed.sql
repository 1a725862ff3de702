-- A keyed table's rows to add: each distinct uploaded row (`ingest_rows`) whose key is not stored
-- (`ingest_compared`, from store_keyed), in file order.
select * exclude (_is_report, _key, _vals)
from ingest_rows
semi join (select _piece, _row from ingest_compared where not is_stored) using (_piece, _row)
order by _piece, _row
