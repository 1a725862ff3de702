"""Processes for the crash and concurrency tests (run as `python -m tests.reliability_workers VERB ...`).

`crash DIR SEED REPS`: prepare one upload once, then REPS times fork a child that commits it and SIGKILL
the child after a seeded random delay; after each kill a store load (which recovers) must show the batch
whole or absent, the audit log must list exactly the batch files on disk, and an active batch is undone
so the next repetition starts from the same data. Forking a prepared process makes a repetition cost
milliseconds instead of an interpreter start. Prints a JSON count of outcomes.

`write DIR FIRST COUNT`: commit COUNT visit reports one after the other (visits K<FIRST>..., 3 delegates each).
`read DIR UNTIL`: load the store again and again until the file UNTIL exists; prints each snapshot's
(visits, delegates)."""

from __future__ import annotations

import json
import os
import random
import signal
import sys
import time
from pathlib import Path

from innovisits.data import audit, journal
from innovisits.data.store import Store
from innovisits.ingest import batches
from innovisits.ingest.plan import Upload, prepare
from tests import ingest_files as f


def report(visit_id: str) -> bytes:
    """The known new visit (3 delegates, 2 categories) under another id."""
    return f.REPORT.replace("K5", visit_id).encode()


def counts(directory: Path) -> tuple[int, int]:
    row = Store(directory).records("summary")[0]
    return int(row["visits"]), int(row["delegates"])


def check_whole(directory: Path) -> str:
    """'whole' or 'absent' (anything else fails): store, files on disk and audit log agree."""
    found = counts(directory)  # a reader sees an interrupted commit rolled forward, without writing
    journal.recover(directory)  # what the next writer (or the recover verb) does
    assert not journal.path(directory).exists()
    active = {p for b in audit.batches(directory) if b.is_active for p in b.paths}
    on_disk = {p.relative_to(directory).as_posix() for p in directory.rglob("batch-*.parquet")}
    assert on_disk == active, (on_disk, active)
    expected = (f.AFTER["visits"], f.AFTER["delegates"]) if active else (f.BEFORE["visits"], f.BEFORE["delegates"])
    assert found == expected, (found, active)
    return "whole" if active else "absent"


def crash(directory: Path, seed: int, reps: int) -> None:
    plan = prepare([Upload("report.csv", report("K5"))], directory)
    assert plan.ok
    os.environ[journal.PAUSE_ENV] = "0.01"  # a short pause after each rename: kills land between them too
    chance = random.Random(seed)
    outcomes = {"whole": 0, "absent": 0}
    started = time.monotonic()
    _commit_in_child(plan, kill_after=None)  # one whole commit: how long it takes on this machine now
    span = time.monotonic() - started
    batches.undo(directory, next(b for b in audit.batches(directory) if b.is_active).batch_id, "crash test")
    for _ in range(reps):
        _commit_in_child(plan, kill_after=chance.uniform(0, 1.2 * span))
        outcome = check_whole(directory)
        outcomes[outcome] += 1
        if outcome == "whole":
            batch = next(b for b in audit.batches(directory) if b.is_active)
            batches.undo(directory, batch.batch_id, "crash test")
    print(json.dumps(outcomes))


def _commit_in_child(plan, kill_after: float | None) -> None:
    """Commit in a forked child; SIGKILL it after `kill_after` seconds (None: let it finish)."""
    child = os.fork()
    if child == 0:
        try:
            batches.commit(plan, "crash test")
        finally:
            os._exit(0)
    if kill_after is not None:
        time.sleep(kill_after)
        os.kill(child, signal.SIGKILL)
    os.waitpid(child, 0)


def write(directory: Path, first: int, count: int) -> None:
    for number in range(first, first + count):
        plan = prepare([Upload(f"K{number}.csv", report(f"K{number}"))], directory)
        assert plan.ok, plan.problems
        batches.commit(plan, "writer")  # the only writer: never stale


def read(directory: Path, until: Path) -> None:
    snapshots = []
    while not until.exists():
        snapshots.append(counts(directory))
    snapshots.append(counts(directory))
    print(json.dumps(snapshots))


if __name__ == "__main__":
    verb, folder, *rest = sys.argv[1:]
    if verb == "crash":
        crash(Path(folder), int(rest[0]), int(rest[1]))
    elif verb == "write":
        write(Path(folder), int(rest[0]), int(rest[1]))
    else:
        read(Path(folder), Path(rest[0]))
