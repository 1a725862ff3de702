"""`ingest`, `undo` and `history` as a user runs them (subprocesses), including being killed midway and
two ingests at once."""

import contextlib
import fcntl
import json
import os
import pty
import random
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from innovisits.data import audit
from innovisits.data.store import Store
from tests import ingest_files as f
from tests import known_data
from tests.unit.cli.test_cli import run_cli


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return known_data.build(tmp_path / "data", "csv")


def numbers(directory: Path) -> dict[str, int]:
    row = Store(directory).records("summary")[0]
    return {k: row[k] for k in f.AFTER}


def test_ingest_dry_run_then_store_then_history_and_undo(data, tmp_path, cli_env):
    report = f.write(tmp_path, "report.csv", f.report_big5())
    before = f.tree_hash(data)
    dry = run_cli(cli_env(data), "ingest", "--dry-run", str(report))
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.startswith("dry run, nothing stored: visits +1, participants +3, visit_technologies +2")
    assert "overview visits 4→5, delegates 10→13" in dry.stdout
    assert f.tree_hash(data) == before
    stored = run_cli(cli_env(data), "ingest", str(report))
    assert stored.returncode == 0, stored.stderr
    assert len(stored.stdout.strip().splitlines()) == 1 and stored.stdout.startswith("stored batch ")
    assert numbers(data) == f.AFTER
    again = run_cli(cli_env(data), "ingest", str(report))
    assert again.returncode == 0 and again.stdout.startswith("nothing stored: every row is already stored")
    (batch,) = json.loads(run_cli(cli_env(data), "history", "--json").stdout)
    assert (batch["files"][0]["name"], batch["rows"], batch["is_active"]) == ("report.csv", f.ADDED, True)
    assert batch["batch_id"] in run_cli(cli_env(data), "history").stdout
    undone = run_cli(cli_env(data), "undo", batch["batch_id"])
    assert undone.returncode == 0 and undone.stdout.startswith(f"withdrew batch {batch['batch_id']}")
    assert f.tree_hash(data) == before
    assert run_cli(cli_env(data), "undo", batch["batch_id"]).returncode == 1


def test_rejected_ingest_lists_problems_and_stores_nothing(data, tmp_path, cli_env):
    bad = f.write(tmp_path, "bad.csv", f.REPORT.replace("Shenzhen", "Shenzen").replace("2019-03-14", "2019-13-14"))
    empty = f.write(tmp_path, "empty.csv", "")
    before = f.tree_hash(data)
    result = run_cli(cli_env(data), "ingest", str(bad), str(empty))
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert "bad.csv, row 2, column 'city': value 'Shenzen': unknown city (closest known: Shenzhen)" in lines[0]
    assert any(line.startswith("bad.csv, row 2, column 'visit_date': value '2019-13-14': not a date") for line in lines)
    assert "empty.csv: the file is empty" in lines
    assert lines[-1] == "rejected: 7 problem(s); nothing stored"  # city and date on each of 3 rows, and the empty file
    assert result.stdout == "" and f.tree_hash(data) == before


def test_a_progress_bar_is_drawn_for_a_large_file_at_a_terminal_only(data, tmp_path, cli_env):
    """Standard error a terminal (a pseudo-terminal here): tqdm's bar, and only there; a pipe (a log, a
    script) gets no bar."""
    rows = "".join(f"K1,EMSD,x{i},delegate\n" for i in range(60_000))
    big = f.write(tmp_path, "big.csv", "visit_id,department,participant_id,role\n" + rows)
    command = [sys.executable, "-m", "innovisits", "ingest", "--dry-run", str(big)]
    terminal, shown = pty.openpty()
    fcntl.ioctl(shown, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))  # 80 columns, as a terminal has
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=shown, env=cli_env(data), text=True) as process:
        os.close(shown)
        drawn = b""
        with contextlib.suppress(OSError):  # EIO once the command has ended and closed its side
            while chunk := os.read(terminal, 1 << 16):
                drawn += chunk
        stdout = process.stdout.read()
    os.close(terminal)
    assert process.returncode == 0 and "participants +60,000" in stdout
    assert b"100%" in drawn and b"B/s" in drawn
    piped = run_cli(cli_env(data), "ingest", "--dry-run", str(big))
    assert piped.returncode == 0 and "participants +60,000" in piped.stdout and piped.stderr == ""


def start_ingest(env: dict, report: Path, pause: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "innovisits", "ingest", str(report)],
        env={**env, "INNOVISITS_INGEST_PAUSE": pause},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def consistent(data: Path, env: dict) -> dict[str, int]:
    """What readers see, then the files after recovery: the whole batch or none of it, and the files match
    the audit log. Readers never write: recovery is the `recover` verb's (or the next writer's)."""
    found = numbers(data)
    assert found in (f.BEFORE, f.AFTER)
    assert run_cli(env, "recover").returncode == 0
    active = {p for b in audit.batches(data) if b.is_active for p in b.paths}
    on_disk = {p.relative_to(data).as_posix() for p in data.rglob("batch-*.parquet")}
    assert on_disk == active
    assert (found == f.AFTER) == bool(active)
    assert not (data / ".innovisits" / "journal.json").exists()
    return found


def test_killed_between_renames_the_batch_is_completed(data, tmp_path, cli_env):
    report = f.write(tmp_path, "report.csv", f.REPORT)
    process = start_ingest(cli_env(data), report, "5")
    deadline = time.monotonic() + 60
    while not list(data.rglob("batch-*.parquet")) and time.monotonic() < deadline:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert len(list(data.rglob("batch-*.parquet"))) == 1  # killed with one of three files in place
    assert numbers(data) == f.AFTER  # readers see the journal rolled forward: the whole batch
    assert (data / ".innovisits" / "journal.json").exists()  # and reading wrote nothing
    consistent(data, cli_env(data))
    assert len(audit.batches(data)) == 1


@pytest.mark.slow
def test_killed_at_random_moments_the_store_is_whole(data, tmp_path, cli_env):
    report = f.write(tmp_path, "report.csv", f.REPORT)
    chance = random.Random(3)
    for _ in range(6):
        process = start_ingest(cli_env(data), report, "0.2")
        time.sleep(chance.uniform(0.5, 4.0))
        process.send_signal(signal.SIGKILL)
        process.wait()
        consistent(data, cli_env(data))
        for batch in audit.batches(data):
            if batch.is_active:
                assert run_cli(cli_env(data), "undo", batch.batch_id).returncode == 0
    assert numbers(data) == f.BEFORE


def test_two_ingests_at_once_store_the_rows_once(data, tmp_path, cli_env):
    report = f.write(tmp_path, "report.csv", f.REPORT)
    processes = [start_ingest(cli_env(data), report, "0.3") for _ in range(2)]
    outputs = sorted(p.communicate(timeout=120)[0].decode() for p in processes)
    assert [p.returncode for p in processes] == [0, 0]
    assert outputs[0].startswith("nothing stored") and outputs[1].startswith("stored batch")
    assert numbers(data) == f.AFTER
    assert len(audit.batches(data)) == 1


def test_hash_password_prints_a_verifiable_line(cli_env, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "innovisits", "hash-password", "--stdin", "--user", "bob"],
        input="a long enough secret\n",
        capture_output=True,
        text=True,
        env=cli_env(tmp_path),
    )
    line = result.stdout.splitlines()[-1]
    assert line.startswith('bob = "$argon2id$')
    from innovisits.data.passwords import verify

    assert verify({"bob": line.split('"')[1]}, "bob", "a long enough secret")
