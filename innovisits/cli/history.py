"""`history [--json]`: every uploaded batch, newest first, from the audit log."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from innovisits.data.audit import batches
from innovisits.data.config import data_location


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print a JSON list")


def run(args: argparse.Namespace) -> int:
    found = batches(data_location())
    if args.json:
        print(json.dumps([{**asdict(b), "is_active": b.is_active} for b in found], ensure_ascii=False))
        return 0
    if not found:
        print("no uploads yet")
    for b in found:
        status = "active" if b.is_active else f"withdrawn {b.withdrawn_at} by {b.withdrawn_by}"
        rows = ", ".join(f"{table} {n:,}" for table, n in b.rows.items())
        files = ", ".join(f["name"] for f in b.files)
        print(f"{b.batch_id}  {b.at}  {b.by}  [{status}]  {rows}  ({files})")
    return 0
