"""`ingest FILE... [--dry-run]`: the upload page's validation and atomic store, for batch loads (CSV files and
Excel workbooks alike)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from innovisits.data.config import data_dir
from innovisits.data.store import DataError

if TYPE_CHECKING:
    from innovisits.ingest.plan import Plan

PROGRESS_FROM = 1 << 20  # bytes: smaller uploads finish before a bar is worth drawing


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="CSV files or Excel workbooks (.xlsx, .xls, .ods; one sheet a table): tables or visit reports",
    )
    parser.add_argument("--dry-run", action="store_true", help="validate and preview only; store nothing")


def who() -> str:
    """The person running the command, for the audit log."""
    return os.environ.get("INNOVISITS_USER") or f"{getpass.getuser()} (command line)"


def summary(plan: Plan) -> str:
    added = ", ".join(f"{table} +{n:,}" for table, n in plan.counts().items()) or "nothing new"
    already = sum(plan.duplicates.values())
    change = ", ".join(
        f"{k} {plan.before[k]:,}→{plan.after[k]:,}" for k in plan.before if plan.before[k] != plan.after[k]
    )
    return f"{added}; {already:,} row(s) already stored" + (f"; overview {change}" if change else "")


def run(args: argparse.Namespace) -> int:
    # imported here: only the ingest needs them
    from tqdm import tqdm

    from innovisits.ingest.batches import StaleError, commit
    from innovisits.ingest.plan import Upload, prepare

    missing = [str(f) for f in args.files if not f.is_file()]
    if missing:
        print(f"error: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    uploads = [Upload(f.name, f.read_bytes()) for f in args.files]
    total = sum(len(u.data) for u in uploads)
    try:
        for _attempt in range(5):  # another ingest finishing first makes the plan stale: check again
            with tqdm(total=total, unit="B", unit_scale=True, file=sys.stderr, disable=total < PROGRESS_FROM) as bar:
                plan = prepare(uploads, data_dir(), progress=bar.update)
            if not plan.ok:
                return _rejected(plan)
            if args.dry_run:
                print(f"dry run, nothing stored: {summary(plan)}")
                return 0
            try:
                batch = commit(plan, who())
            except StaleError:
                continue
            if batch is None:
                print(f"nothing stored: every row is already stored ({summary(plan)})")
            else:
                print(f"stored batch {batch}: {summary(plan)}")
            return 0
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print("error: the data kept changing during the ingest; try again", file=sys.stderr)
    return 3


def _rejected(plan: Plan) -> int:
    for problem in plan.problems:
        print(problem.line(), file=sys.stderr)
    more = plan.problem_count - len(plan.problems)
    hidden = f" ({more} not shown)" if more else ""
    print(f"rejected: {plan.problem_count} problem(s){hidden}; nothing stored", file=sys.stderr)
    return 1
