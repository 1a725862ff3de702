"""The bare DuckDB process `summary` is measured against: a fresh Python that imports DuckDB and answers the
same four numbers from the Parquet files with one plain query (`queries/bench/bare_summary.sql`), no snapshot.
`python -m innovisits.bench.bare_summary DIR` prints them as JSON."""

from __future__ import annotations

import json
import sys
from glob import glob

import duckdb

from innovisits.data import sql


def main() -> None:
    data_dir = sys.argv[1]
    files = {t: [f"{data_dir}/{t}.parquet", f"{data_dir}/{t}/*.parquet"] for t in ("visits", "participants")}
    con = duckdb.connect()
    names = ("visits", "delegates", "departments", "cities")
    present = {t: [f for f in globs if glob(f)] for t, globs in files.items()}
    row = con.execute(sql.load("bench/bare_summary"), present).fetchall()[0]
    print(json.dumps(dict(zip(names, row, strict=True))))


if __name__ == "__main__":
    main()
