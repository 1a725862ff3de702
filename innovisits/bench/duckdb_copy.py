"""The ingest's baseline in a fresh process (so both sides pay process start): DuckDB's own
`copy (select * from read_csv(FILE)) to OUT (format parquet)`. `python -m innovisits.bench.duckdb_copy FILE OUT`
prints the rows written."""

from __future__ import annotations

import sys

from innovisits.data import sql
from innovisits.data.store import connect


def main() -> None:
    source, target = sys.argv[1:3]
    con = connect()
    con.execute(sql.load("bench/copy_to_parquet"), {"source": source, "target": target})
    print(con.read_parquet(target).count("*").fetchall()[0][0])


if __name__ == "__main__":
    main()
