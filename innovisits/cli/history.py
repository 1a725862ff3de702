"""`history [--json]`: every uploaded batch, newest first, from the audit log: its visits and files, in local
time (`INNOVISITS_TIMEZONE`, Hong Kong by default; `--json` keeps the log's UTC)."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from innovisits.data.audit import batches
from innovisits.data.config import data_location, timezone
from innovisits.i18n.formatting import local_time


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print a JSON list")


def run(args: argparse.Namespace) -> int:
    found = batches(data_location())
    if args.json:
        print(json.dumps([{**asdict(b), "is_active": b.is_active} for b in found], ensure_ascii=False))
        return 0
    if not found:
        print("no uploads yet")
    zone = timezone()
    for b in found:
        status = "active" if b.is_active else f"withdrawn {local_time(b.withdrawn_at, zone)} by {b.withdrawn_by}"
        rows = ", ".join(f"{table} {n:,}" for table, n in b.rows.items())
        corrected = ", ".join(f"{table} {n:,}" for table, n in b.corrected.items())
        what = "  ".join(
            part
            for part in (
                b.reference_text(),
                f"visits {b.visit_text()}" if b.visits else "",
                rows,
                f"corrected {corrected}" if corrected else "",
                f"({', '.join(f['name'] for f in b.files)})" if b.files else "",
            )
            if part
        )
        print(f"{b.batch_id}  {local_time(b.at, zone)} {zone.key}  {b.by}  [{status}]  {what}")
    return 0
