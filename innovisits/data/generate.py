"""Deterministic synthetic data at any size, for tests and benchmarks. DuckDB generates and writes the
rows (hash-based randomness, so a seed gives the same files on any machine and thread count)."""

from __future__ import annotations

import shutil
from pathlib import Path

from innovisits.data import sql
from innovisits.data.config import SAMPLE_DATA_DIR
from innovisits.data.store import connect

REFERENCE_TABLES = ("cities", "departments", "technologies")
DELEGATES_PER_VISIT = 15


def generate(participants: int, out: Path, seed: int = 0, file_format: str = "parquet") -> dict[str, int]:
    """Write visits, participants and visit_technologies (and the reference tables) into `out`.

    Returns the row count of each generated table."""
    if file_format not in ("parquet", "csv"):
        raise ValueError(f"format must be parquet or csv, not {file_format!r}")
    out.mkdir(parents=True, exist_ok=True)
    for table in REFERENCE_TABLES:
        shutil.copyfile(SAMPLE_DATA_DIR / f"{table}.csv", out / f"{table}.csv")
    values = {"n_participants": participants, "n_visits": max(1, participants // DELEGATES_PER_VISIT), "seed": seed}
    con = connect()
    counts = {}
    for table in ("visits", "participants", "visit_technologies"):
        relation = sql.relation(con, f"generate_{table}", values)
        target = out / f"{table}.{file_format}"
        if file_format == "parquet":
            relation.write_parquet(str(target), compression="zstd")
            written = con.read_parquet(str(target))
        else:
            relation.write_csv(str(target), header=True)
            written = con.read_csv(str(target))
        counts[table] = written.count("*").fetchall()[0][0]
    return counts
