"""`ingest FILE... [--dry-run] [--corrections]`: the upload page's validation and atomic store, for batch
loads (CSV files and Excel workbooks alike). With `--corrections`, stored rows given with other values are
corrected (each change printed) in a batch of their own, which `undo` withdraws like any other."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from innovisits.data.config import data_location
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
    parser.add_argument(
        "--corrections",
        action="store_true",
        help="correct stored rows the files give with other values (else such a change is refused)",
    )


def who() -> str:
    """The person running the command, for the audit log."""
    return os.environ.get("INNOVISITS_USER") or f"{getpass.getuser()} (command line)"


def summary(plan: Plan) -> str:
    added = ", ".join(f"{table} +{n:,}" for table, n in plan.counts().items()) or "nothing new"
    corrected = ", ".join(f"{table} {n:,}" for table, n in plan.corrected.items() if n)
    if corrected:
        added += f"; corrected {corrected}"
    already = sum(plan.duplicates.values())
    change = ", ".join(
        f"{k} {plan.before[k]:,}→{plan.after[k]:,}" for k in plan.before if plan.before[k] != plan.after[k]
    )
    return f"{added}; {already:,} row(s) already stored" + (f"; overview {change}" if change else "")


def run(args: argparse.Namespace) -> int:
    # imported here: only the ingest needs them
    from innovisits.ingest.batches import StaleError, WriteError, commit
    from innovisits.ingest.plan import Upload, prepare

    missing = [str(f) for f in args.files if not f.is_file()]
    if missing:
        print(f"error: no such file: {', '.join(missing)}", file=sys.stderr)
        return 2
    uploads = [Upload(f.name, f.read_bytes()) for f in args.files]
    total = sum(len(u.data) for u in uploads)
    try:
        for _attempt in range(5):  # another ingest finishing first makes the plan stale: check again
            with _progress_bar(total) as bar:
                progress = bar.update if bar else None
                plan = prepare(uploads, data_location(), progress=progress, corrections=args.corrections)
            _encodings(plan)
            if not plan.ok:
                return _rejected(plan)
            _report(plan)
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
    except (DataError, WriteError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print("error: the data kept changing during the ingest; try again", file=sys.stderr)
    return 3


def _progress_bar(total: int) -> contextlib.AbstractContextManager[Any]:
    """A bar on standard error while large files are read, for a person at a terminal (in a log or a pipe its
    redrawing is noise, and importing tqdm is time spent for nothing); else None."""
    if total < PROGRESS_FROM or not sys.stderr.isatty():
        return contextlib.nullcontext()
    from tqdm import tqdm

    return tqdm(total=total, unit="B", unit_scale=True, file=sys.stderr)


def _encodings(plan: Plan) -> None:
    """Say which files were read in an encoding other than Unicode, as the upload page's files table does:
    the encoding was worked out, so the text is worth a look."""
    from innovisits.ingest.reading import UTF8

    for file in plan.files:
        if file.encoding and file.encoding not in UTF8:
            print(f"note: {file.name} was read as {file.encoding}, not UTF-8: check its text", file=sys.stderr)


def _report(plan: Plan) -> None:
    """Each value a correction changes (stdout: it is what will be stored) and each warning (stderr)."""
    for change in plan.changes:
        print(f"change: {change.line()}")
    for warning in plan.warnings:
        print(f"warning: {warning.line()}", file=sys.stderr)


def _rejected(plan: Plan) -> int:
    for problem in plan.problems:
        print(problem.line(), file=sys.stderr)
    more = plan.problem_count - len(plan.problems)
    hidden = f" ({more} not shown)" if more else ""
    print(f"rejected: {plan.problem_count} problem(s){hidden}; nothing stored", file=sys.stderr)
    return 1
