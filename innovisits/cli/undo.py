"""`undo BATCH`: withdraw an uploaded batch; the data returns to its state before that batch."""

from __future__ import annotations

import argparse
import sys

from innovisits.cli.ingest import who
from innovisits.data.config import data_location


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("batch", metavar="BATCH", help="batch id, as `history` lists it")


def run(args: argparse.Namespace) -> int:
    from innovisits.ingest.batches import UndoError, WriteError, undo  # here: it imports pandas (slow) for ingest

    try:
        batch = undo(data_location(), args.batch, who())
    except UndoError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except WriteError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    rows = ", ".join(f"{table} -{n:,}" for table, n in batch.rows.items())
    print(f"withdrew batch {batch.batch_id}: {rows}")
    return 0
