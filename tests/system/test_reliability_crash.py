"""Crash safety and concurrency on real processes: kill -9 at random points of a commit (seeded, 60
repetitions), two different uploads at once, and a reader loading the store while batches commit
(tests/reliability_workers.py holds the processes' code)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from innovisits.data import audit
from tests import ingest_files as f
from tests import known_data
from tests.reliability_workers import check_whole, counts, report

KILLS = 60


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return known_data.build(tmp_path / "data", "csv")


def worker(cli_env, directory: Path, *args: object) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.reliability_workers", args[0], str(directory), *map(str, args[1:])],
        env=cli_env(directory),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen, timeout: int = 240) -> str:
    out, err = process.communicate(timeout=timeout)
    assert process.returncode == 0, err
    return out


@pytest.mark.slow
def test_kill_9_at_random_points_leaves_every_batch_whole_or_absent(data, cli_env):
    outcomes = json.loads(finish(worker(cli_env, data, "crash", 11, KILLS)))
    print(f"\nkill -9 during commit, {KILLS} times: {outcomes}")
    assert sum(outcomes.values()) == KILLS
    assert outcomes["whole"] and outcomes["absent"]  # kills landed both before and after the journal
    assert check_whole(data) == "absent"


def test_two_different_uploads_at_once_are_both_stored(data, tmp_path, cli_env):
    """Through the CLI: the one that commits second finds its preview stale, checks again and stores."""
    files = [f.write(tmp_path, f"K{n}.csv", report(f"K{n}")) for n in (5, 6)]
    env = {**cli_env(data), "INNOVISITS_INGEST_PAUSE": "0.2"}
    ingests = [
        subprocess.Popen(
            [sys.executable, "-m", "innovisits", "ingest", str(p)], env=env, stdout=subprocess.PIPE, text=True
        )
        for p in files
    ]
    outputs = [p.communicate(timeout=240)[0] for p in ingests]
    assert [p.returncode for p in ingests] == [0, 0]
    assert all(o.startswith("stored batch") for o in outputs)
    assert counts(data) == (4 + 2, 10 + 2 * 3)  # both visits, each with its 3 delegates, once
    assert len([b for b in audit.batches(data) if b.is_active]) == 2


def test_readers_during_writes_see_whole_batches_only(data, tmp_path, cli_env):
    done = tmp_path / "writer-done"
    reader = worker(cli_env, data, "read", done)
    finish(worker(cli_env, data, "write", 5, 4))
    done.touch()
    snapshots = [tuple(s) for s in json.loads(finish(reader))]
    print(f"\nreader took {len(snapshots)} snapshots during 4 commits: {sorted(set(snapshots))}")
    for visits, delegates in snapshots:
        assert delegates - 10 == 3 * (visits - 4)  # every batch adds 1 visit and 3 delegates, never part
    assert snapshots[-1] == (8, 22)
    assert len(snapshots) >= 2
