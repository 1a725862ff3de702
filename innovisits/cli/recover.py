"""`recover`: finish an interrupted commit or undo now. Readers already see it finished (they never write);
the next ingest or undo would finish it too. This is for an operator who wants the files tidy at once."""

from __future__ import annotations

import argparse
import sys

from innovisits.data import journal
from innovisits.data.config import data_dir
from innovisits.data.lock import writing


def add_arguments(parser: argparse.ArgumentParser) -> None:
    del parser  # no arguments: the data directory comes from INNOVISITS_DATA_DIR


def run(args: argparse.Namespace) -> int:
    del args
    directory = data_dir()
    interrupted = journal.path(directory).exists()
    with writing(directory) as held:
        if not held:
            print(f"error: {directory} is read-only: nothing can be recovered there", file=sys.stderr)
            return 1
        journal.recover(directory)
    print("finished an interrupted batch" if interrupted else "nothing to recover")
    return 0
