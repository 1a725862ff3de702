-- A table without a key whose uploaded rows (`ingest_rows`, table files only) are none of them stored:
-- every row, in file order (the pieces' own order, which a union all keeps).
select * exclude (_is_report, _key, _vals)
from ingest_rows
