"""Data quality: how fresh the data is, where every row came from, and the rows that break the data model's
rules. Each check is a query `queries/quality_<check>.sql` returning the offending rows (at most a limit)
and their total in `n_found`, so the page can show the rows behind every number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from innovisits.data.store import TABLES, Store, table_files

CHECKS = (
    "unknown_departments",
    "unknown_cities",
    "unknown_categories",
    "orphan_participants",
    "orphan_visit_technologies",
    "visits_without_participants",
    "visits_without_categories",
    "duplicate_visit_ids",
    "duplicate_rows",
    "follow_up_problems",
)
ROW_LIMIT = 200  # rows shown behind one check; the count covers all of them


@dataclass(frozen=True)
class Finding:
    check: str
    n_found: int
    rows: list[dict[str, Any]]


def findings(store: Store, limit: int = ROW_LIMIT) -> list[Finding]:
    """Every check with its count and first rows, in the order of CHECKS."""
    out = []
    for check in CHECKS:
        rows = store.records(f"quality_{check}", limit=limit)
        out.append(Finding(check, rows[0]["n_found"] if rows else 0, [_without_count(r) for r in rows]))
    return out


def _without_count(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "n_found"}


def file_rows(store: Store) -> list[dict[str, Any]]:
    """Each data file with its table, rows, size and modification time (UTC), in table order. The rows are
    counted by reading the files themselves, so a file that adds nothing still shows."""
    stats = {path: (size, mtime_ns) for path, size, mtime_ns in store.version}
    out = []
    for fmt in ("csv", "parquet"):
        files = [(table, path) for table in TABLES for path in getattr(table_files(store.data_dir, table), fmt)]
        if not files:
            continue
        rows = store.records(f"quality_file_rows_{fmt}", files=[str(p) for _, p in files], tables=[t for t, _ in files])
        for row in rows:
            relative = str(Path(row["source_path"]).relative_to(store.data_dir))
            size, mtime_ns = stats.get(relative, (None, None))
            out.append(
                {
                    "table_name": row["table_name"],
                    "source_file": relative,
                    "n_rows": row["n_rows"],
                    "size_bytes": size,
                    "modified_at": _utc(mtime_ns),
                }
            )
    order = {t: i for i, t in enumerate(TABLES)}
    return sorted(out, key=lambda r: (order[r["table_name"]], r["source_file"]))


def _utc(mtime_ns: int | None) -> datetime | None:
    return None if mtime_ns is None else datetime.fromtimestamp(mtime_ns / 1e9, UTC).replace(microsecond=0)


def last_upload(store: Store) -> datetime | None:
    """When a data file last changed (the newest modification time among the table files), in UTC."""
    return _utc(max((mtime_ns for _, _, mtime_ns in store.version), default=None))
