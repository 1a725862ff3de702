"""Backup and restore, on real files and real processes: round trips give the same numbers, a backup taken
while a writer holds the lock holds the whole batch, and a bad archive never changes anything."""

import hashlib
import io
import json
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path

import pytest

from innovisits.data.lock import LockTimeout, data_lock, lock_path
from innovisits.data.store import Store
from innovisits.export.backup import MANIFEST, BackupError, backup, restore
from tests import known_data

KNOWN = {"visits": 4, "delegates": 10, "departments": 4, "cities": 3}
PROJECT = Path(__file__).resolve().parents[3]


def numbers(directory: Path) -> dict[str, int]:
    row = Store(directory).records("summary")[0]
    return {k: row[k] for k in KNOWN}


def run_cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "innovisits", *args], capture_output=True, text=True, env=env, timeout=120
    )


def tree(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture
def source(known_csv_dir: Path) -> Path:
    """The known data with bookkeeping beside it: an audit log to keep; a lock, temp files, caches to leave out."""
    (known_csv_dir / ".innovisits" / ".cache").mkdir(parents=True)
    (known_csv_dir / ".innovisits" / "audit.jsonl").write_text('{"batch": 1}\n', encoding="utf-8")
    (known_csv_dir / ".innovisits" / ".cache" / "preview.parquet").write_text("cached", encoding="utf-8")
    (known_csv_dir / "visits" / "part-9.csv.tmp").write_text("visit_id\n", encoding="utf-8")
    lock_path(known_csv_dir).touch()
    return known_csv_dir


def test_round_trip_restores_every_file_and_the_same_numbers(source, tmp_path):
    manifest = backup(source, tmp_path / "b.tar.gz")
    restore(tmp_path / "b.tar.gz", tmp_path / "restored")
    kept = {k: v for k, v in tree(source).items() if k not in {".innovisits/lock", "visits/part-9.csv.tmp"}}
    kept = {k: v for k, v in kept.items() if not k.startswith(".innovisits/.cache/")}
    assert tree(tmp_path / "restored") == kept
    assert ".innovisits/audit.jsonl" in kept and len(manifest.files) == len(kept)
    assert numbers(tmp_path / "restored") == numbers(source) == KNOWN
    original = (source / "departments.csv").stat().st_mtime_ns // 10**9
    assert (tmp_path / "restored" / "departments.csv").stat().st_mtime_ns // 10**9 == original
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.tar.gz", "data", "restored"]  # no staging left


def test_manifest_lists_sizes_and_checksums(source, tmp_path):
    backup(source, tmp_path / "b.tar.gz")
    with tarfile.open(tmp_path / "b.tar.gz") as tar:
        body = json.loads(tar.extractfile(MANIFEST).read())
    departments = next(f for f in body["files"] if f["path"] == "departments.csv")
    raw = (source / "departments.csv").read_bytes()
    assert departments == {"path": "departments.csv", "size": len(raw), "sha256": hashlib.sha256(raw).hexdigest()}
    assert body["format"] == "innovisits-backup" and body["app_version"] == "0.1.0" and body["created_at"]


def test_cli_backup_then_restore_into_an_empty_directory(known_csv_dir, tmp_path, cli_env):
    archive, target = tmp_path / "b.tar.gz", tmp_path / "empty"
    target.mkdir()
    made = run_cli(cli_env(known_csv_dir), "backup", "--out", str(archive))
    assert made.returncode == 0, made.stderr
    assert "files" in made.stdout and archive.is_file()
    back = run_cli(cli_env(tmp_path / "elsewhere"), "restore", str(archive), "--into", str(target))
    assert back.returncode == 0, back.stderr
    summary = run_cli(cli_env(target), "summary", "--json")
    assert {k: json.loads(summary.stdout)[k] for k in KNOWN} == KNOWN


def test_truncated_archive_is_refused_and_nothing_is_overwritten(source, tmp_path, cli_env):
    backup(source, tmp_path / "b.tar.gz")
    whole = (tmp_path / "b.tar.gz").read_bytes()
    (tmp_path / "cut.tar.gz").write_bytes(whole[: len(whole) // 2])
    target = known_data.build(tmp_path / "live", "csv")
    known_data.add_batch(target)
    before = tree(target)
    result = run_cli(cli_env(target), "restore", str(tmp_path / "cut.tar.gz"), "--force")
    assert result.returncode == 2
    assert "corrupt or truncated" in result.stderr and "nothing was changed" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree(target) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".live.")]  # no staging left behind


def test_non_empty_target_needs_force(source, tmp_path):
    backup(source, tmp_path / "b.tar.gz")
    target = known_data.build(tmp_path / "live", "csv")
    known_data.add_batch(target)
    with pytest.raises(BackupError, match="not empty"):
        restore(tmp_path / "b.tar.gz", target)
    assert numbers(target) == known_data.WITH_BATCH
    restore(tmp_path / "b.tar.gz", target, force=True)
    assert numbers(target) == KNOWN
    assert not (target / "visits.csv").exists()  # the old contents went, not merged
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.tar.gz", "data", "live"]


def rewrite(archive: Path, out: Path, change) -> Path:
    """A copy of `archive` with its members passed through `change(info, data) -> [(info, data), ...]`."""
    with tarfile.open(archive) as src, tarfile.open(out, "w:gz") as dst:
        for info in src.getmembers():
            data = src.extractfile(info).read() if info.isfile() else b""
            for new_info, new_data in change(info, data):
                dst.addfile(new_info, io.BytesIO(new_data) if new_info.isfile() else None)
    return out


def member(name: str, data: bytes = b"", kind: bytes = tarfile.REGTYPE, target: str = "") -> tuple:
    info = tarfile.TarInfo(name)
    info.size, info.type, info.linkname = len(data), kind, target
    return info, data


HOSTILE = {
    "absolute path": (member("/tmp/innovisits-escape.csv", b"x"), "unsafe path"),
    "parent directory": (member("data/../../escape.csv", b"x"), "unsafe path"),
    "symlink": (member("data/visits/evil.csv", kind=tarfile.SYMTYPE, target="/etc/passwd"), "link"),
    "hard link": (member("data/visits/evil.csv", kind=tarfile.LNKTYPE, target="data/departments.csv"), "link"),
    "foreign entry": (member("evil.sh", b"x"), "not an InnoVisits backup"),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_hostile_archives_are_refused(source, tmp_path, kind):
    """A backup with one hostile entry appended after its manifest."""
    backup(source, tmp_path / "b.tar.gz")
    hostile, message = HOSTILE[kind]
    appended = lambda info, data: [(info, data), *([hostile] if info.name == MANIFEST else [])]  # noqa: E731
    bad = rewrite(tmp_path / "b.tar.gz", tmp_path / "bad.tar.gz", appended)
    with pytest.raises(BackupError, match=f"{message}.*nothing was changed"):
        restore(bad, tmp_path / "target")
    assert not (tmp_path / "target").exists()
    assert not (tmp_path / "escape.csv").exists() and not Path("/tmp/innovisits-escape.csv").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["b.tar.gz", "bad.tar.gz", "data"]


def tampered(info: tarfile.TarInfo, data: bytes):
    if info.name == "data/departments.csv":
        return [(info, data.replace(b"Fire", b"Fyre"))]
    return [(info, data)]


def dropped(info: tarfile.TarInfo, data: bytes):
    return [] if info.name == "data/participants/part-1.csv" else [(info, data)]


@pytest.mark.parametrize(("change", "message"), [(tampered, "fail their checksum"), (dropped, "missing")])
def test_archives_that_do_not_match_their_manifest_are_refused(source, tmp_path, change, message):
    backup(source, tmp_path / "b.tar.gz")
    bad = rewrite(tmp_path / "b.tar.gz", tmp_path / "bad.tar.gz", change)
    with pytest.raises(BackupError, match=message):
        restore(bad, tmp_path / "target")
    assert not (tmp_path / "target").exists()


def test_backup_is_never_written_inside_the_data_directory(source):
    with pytest.raises(BackupError, match="inside the data directory"):
        backup(source, source / "backups" / "b.tar.gz")


# Adds known_data.BATCH in two steps under the exclusive lock, and waits for a line on stdin between them.
WRITER = """
import sys
from pathlib import Path
from innovisits.data.lock import data_lock
from tests import known_data
directory = Path(sys.argv[1])
with data_lock(directory):
    known_data.write_csv(directory / "visits" / "k5.csv", known_data.TABLES["visits"][0], known_data.BATCH["visits"])
    print("first half written", flush=True)
    sys.stdin.readline()
    header, rows = known_data.TABLES["participants"][0], known_data.BATCH["participants"]
    known_data.write_csv(directory / "participants" / "k5.csv", header, rows)
"""


@pytest.mark.slow
def test_backup_during_a_write_waits_for_the_whole_batch(known_csv_dir, tmp_path, cli_env):
    """While a writer holds the lock half-way through a batch (visits written, delegates not yet), a backup
    with a short wait refuses cleanly, and one without waits and then holds both halves (5 visits, 12
    delegates), never the torn 5 and 10."""
    env = cli_env(known_csv_dir)
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(known_csv_dir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=PROJECT,
    )
    assert writer.stdout.readline().strip() == "first half written"
    busy = run_cli(env, "backup", "--out", str(tmp_path / "busy.tar.gz"), "--wait", "0.2")
    assert busy.returncode == 2 and "busy" in busy.stderr and not (tmp_path / "busy.tar.gz").exists()
    waiting = threading.Thread(target=backup, args=(known_csv_dir, tmp_path / "b.tar.gz"))
    waiting.start()
    time.sleep(1)
    assert waiting.is_alive()  # blocked on the lock
    writer.communicate("go on\n", timeout=30)
    waiting.join(timeout=30)
    restore(tmp_path / "b.tar.gz", tmp_path / "restored")
    assert numbers(tmp_path / "restored") == known_data.WITH_BATCH


@pytest.mark.slow
def test_backup_during_an_ingest_holds_all_of_the_batch(known_csv_dir, tmp_path, cli_env):
    """A real ingest, slowed between its renames (the upload branch's INNOVISITS_INGEST_PAUSE), is caught
    holding the lock; a backup started then waits and holds the whole batch (5 visits, 12 delegates)."""
    env = {**cli_env(known_csv_dir), "INNOVISITS_INGEST_PAUSE": "0.5"}
    files = known_data.write_batch(tmp_path / "upload", known_data.BATCH, "k5")
    ingest = subprocess.Popen(
        [sys.executable, "-m", "innovisits", "ingest", *map(str, files)], env=env, stdout=subprocess.PIPE, text=True
    )
    while ingest.poll() is None and can_lock(known_csv_dir, shared=True, timeout=0.01):
        pass
    assert ingest.poll() is None, "the ingest finished before it was caught holding the lock"
    backup(known_csv_dir, tmp_path / "b.tar.gz")  # in this process: no start-up delay for the ingest to finish in
    assert ingest.wait(timeout=120) == 0
    restore(tmp_path / "b.tar.gz", tmp_path / "restored")
    assert numbers(tmp_path / "restored") == known_data.WITH_BATCH


def can_lock(directory: Path, shared: bool, timeout: float = 0.1) -> bool:
    try:
        with data_lock(directory, shared=shared, timeout=timeout):
            return True
    except LockTimeout as error:
        assert str(lock_path(directory)) in str(error)
        return False


def test_readers_share_the_lock_and_writers_exclude_everyone(tmp_path):
    with data_lock(tmp_path, shared=True):
        assert can_lock(tmp_path, shared=True) and not can_lock(tmp_path, shared=False)
    with data_lock(tmp_path):
        assert not can_lock(tmp_path, shared=True) and not can_lock(tmp_path, shared=False)
    assert can_lock(tmp_path, shared=False)  # released on leaving the block
