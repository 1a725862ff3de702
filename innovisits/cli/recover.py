"""`recover`: finish an interrupted commit or undo now. Readers already see it finished (they never write);
the next ingest or undo would finish it too. This is for an operator who wants the files tidy at once. On a
bucket it deletes the objects no reader can see any more (withdrawn or never-published batches)."""

from __future__ import annotations

import argparse
import sys

from innovisits.data import bucket, journal
from innovisits.data.config import data_dir, data_location, is_url
from innovisits.data.lock import writing


def add_arguments(parser: argparse.ArgumentParser) -> None:
    del parser  # no arguments: the data directory comes from INNOVISITS_DATA_DIR


def run(args: argparse.Namespace) -> int:
    del args
    if is_url(data_location()):
        from innovisits.ingest.batches import sweep  # here: it imports the ingest (slow)

        url = str(data_location())
        swept = sweep(url, bucket.manifest(url))
        print(f"deleted {len(swept)} object(s) of withdrawn or unpublished batches" if swept else "nothing to recover")
        return 0
    directory = data_dir()
    interrupted = journal.path(directory).exists()
    with writing(directory) as held:
        if not held:
            print(f"error: {directory} is read-only: nothing can be recovered there", file=sys.stderr)
            return 1
        journal.recover(directory)
    print("finished an interrupted batch" if interrupted else "nothing to recover")
    return 0
