-- A table without a key: every uploaded row (`ingest_rows`) but the copies already stored
-- (`ingest_compared`, from store_rows), in file order.
select * exclude (_is_report, _key, _vals)
from ingest_rows
anti join ingest_compared using (_piece, _row)
order by _piece, _row
