"""Hostile bookkeeping (issue 16, item 1): a journal or an audit log naming paths InnoVisits never writes
(`..`, absolute paths, a folder linked out, reference files, a batch id that is a path). Generated here, they
are put in a backup archive (with a correct manifest, so only the bookkeeping check can refuse it) and
straight into a data directory. A restore refuses them; placed by hand, the next reader, `recover`, ingest
and undo never act on them. Files beside the data directory are compared byte for byte before and after."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Callable
from pathlib import Path

import pytest

from innovisits.data import audit, journal, paths
from innovisits.data.lock import meta_dir
from innovisits.data.store import Store
from innovisits.export.backup import MANIFEST, BackupError, backup, restore
from innovisits.ingest import batches
from innovisits.ingest.plan import Upload, prepare
from tests import ingest_files as f
from tests import known_data

OTHER_BATCH = "20990101T000000000000Z"


def tree(directory: Path) -> dict[str, bytes | None]:
    """Every file's bytes and every folder (None), links as where they point."""
    found: dict[str, bytes | None] = {}
    for path in sorted(directory.rglob("*")):
        key = path.relative_to(directory).as_posix()
        found[key] = (
            (b"-> " + str(path.readlink()).encode())
            if path.is_symlink()
            else (path.read_bytes() if path.is_file() else None)
        )
    return found


@pytest.fixture
def world(tmp_path: Path) -> dict[str, Path]:
    """A data directory with one real batch, and beside it files an attacker would like moved or deleted."""
    outside = tmp_path / "outside"
    (outside / "victim_dir").mkdir(parents=True)
    (outside / "victim_dir" / "keep.txt").write_text("precious", encoding="utf-8")
    (outside / "secret.txt").write_text("not data", encoding="utf-8")
    (outside / "empty_dir").mkdir()
    data = known_data.build(tmp_path / "data", "csv")
    batch = batches.commit(prepare([Upload("r.csv", f.REPORT.encode())], data), "tester")
    return {"data": data, "outside": outside, "batch": Path(batch), "tmp": tmp_path}


def _journal(moves: list[list[str]], batch: str = OTHER_BATCH, op: str = "add", **extra: object) -> dict:
    record = {"event": op, "batch_id": batch, "at": "2099-01-01T00:00:00+00:00", "by": "x"}
    if op == "add":
        record |= {"files": [], "rows": {}, "paths": [dst for _, dst in moves], "created_dirs": []}
    return {"op": op, "moves": moves, "record": record, **extra}


def _staged(batch: str = OTHER_BATCH) -> str:
    return f".innovisits/staging/{batch}/visits.parquet"


# Each builds a hostile journal for a world (the outside folder's absolute path is the world's own).
JOURNALS: dict[str, Callable[[dict[str, Path]], dict]] = {
    "file outside moved into visits/": lambda w: _journal(
        [["../outside/secret.txt", f"visits/batch-{OTHER_BATCH}.parquet"]]
    ),
    "absolute path moved in": lambda w: _journal(
        [[str(w["outside"] / "secret.txt"), f"visits/batch-{OTHER_BATCH}.parquet"]]
    ),
    "cities.csv moved out": lambda w: _journal([["cities.csv", "../outside/cities.csv"]], op="undo"),
    "cities.csv moved to the trash": lambda w: _journal(
        [["cities.csv", f".innovisits/trash/{OTHER_BATCH}/cities.csv"]], op="undo"
    ),
    "staged file moved out": lambda w: _journal([[_staged(), "../outside/batch.parquet"]]),
    "batch id that is a path": lambda w: _journal(
        [[_staged("../../outside"), "visits/batch-x.parquet"]], "../../outside"
    ),
    "folder outside removed": lambda w: _journal([], op="undo", remove_dirs=["../outside/empty_dir"]),
    "folder linked out": lambda w: _journal([[_staged(), f"linked/batch-{OTHER_BATCH}.parquet"]]),
    "not a journal at all": lambda w: {"op": "add", "moves": "../outside"},
}


def _audit_add(batch: str, paths_: list[str], created: list[str]) -> dict:
    return {"event": "add", "batch_id": batch, "at": "x", "by": "x", "files": [], "rows": {"visits": 1},
            "paths": paths_, "created_dirs": created}  # fmt: skip


AUDITS: dict[str, Callable[[dict[str, Path]], dict | list]] = {
    "batch file outside": lambda w: _audit_add(OTHER_BATCH, ["../outside/secret.txt"], ["../outside/victim_dir"]),
    "absolute batch file": lambda w: _audit_add(OTHER_BATCH, [str(w["outside"] / "secret.txt")], []),
    "reference file as a batch file": lambda w: _audit_add(OTHER_BATCH, ["cities.csv"], []),
    "batch id that is a path": lambda w: _audit_add("../../outside", ["visits/batch-x.parquet"], []),
    "not an event": lambda w: ["../outside/secret.txt"],
}


def _with_journal(world: dict[str, Path], make: Callable) -> Path:
    data = world["data"]
    (data / "linked").symlink_to(world["outside"], target_is_directory=True)
    staged = data / _staged()
    staged.parent.mkdir(parents=True)
    staged.write_bytes((data / "visits" / f"batch-{world['batch']}.parquet").read_bytes())
    journal.path(data).write_text(json.dumps(make(world)), encoding="utf-8")
    return data


def _with_audit(world: dict[str, Path], make: Callable) -> Path:
    data = world["data"]
    with audit.log_path(data).open("a", encoding="utf-8") as log:
        log.write(json.dumps(make(world)) + "\n")
    return data


def _archive(world: dict[str, Path]) -> Path:
    """A backup of the (tampered) data directory: its manifest is correct, so only the bookkeeping check can
    refuse it. (Links are not archived: the linked folder is only a case in a data directory.)"""
    (world["data"] / "linked").unlink(missing_ok=True)
    archive = world["tmp"] / "hostile.tar.gz"
    backup(world["data"], archive)
    return archive


@pytest.mark.parametrize("case", [c for c in JOURNALS if c != "folder linked out"])
def test_restore_refuses_a_journal_naming_paths_innovisits_never_writes(world, case):
    archive = _archive({**world, "data": _with_journal(world, JOURNALS[case])})
    before = tree(world["outside"])
    target = world["tmp"] / "restored"
    with pytest.raises(BackupError, match=r"bookkeeping InnoVisits did not write.*nothing was changed"):
        restore(archive, target)
    assert not target.exists()
    assert tree(world["outside"]) == before
    assert not list(world["tmp"].glob(".restored.restore-*"))  # the staging copy is gone too


@pytest.mark.parametrize("case", AUDITS)
def test_restore_refuses_an_audit_log_naming_paths_innovisits_never_writes(world, case):
    archive = _archive({**world, "data": _with_audit(world, AUDITS[case])})
    before = tree(world["outside"])
    with pytest.raises(BackupError, match="bookkeeping InnoVisits did not write"):
        restore(archive, world["tmp"] / "restored")
    assert not (world["tmp"] / "restored").exists() and tree(world["outside"]) == before


def test_restore_refuses_a_manifest_listing_a_path_outside(world):
    archive = _archive(world)
    hostile = world["tmp"] / "manifest.tar.gz"
    with tarfile.open(archive, "r:gz") as source, tarfile.open(hostile, "w:gz") as out:
        for member in source:
            data = source.extractfile(member).read()
            if member.name == MANIFEST:
                body = json.loads(data)
                body["files"].append({"path": "../outside/secret.txt", "size": 8, "sha256": "0" * 64})
                data = json.dumps(body).encode()
                member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    before = tree(world["outside"])
    with pytest.raises(BackupError, match=r"1 unsafe path\(s\), e\.g\. '\.\./outside/secret\.txt'"):
        restore(hostile, world["tmp"] / "restored")
    assert not (world["tmp"] / "restored").exists() and tree(world["outside"]) == before


def test_restore_refuses_in_the_cli_without_a_traceback(world, cli_env):
    archive = _archive({**world, "data": _with_audit(world, AUDITS["batch file outside"])})
    target = world["tmp"] / "restored"
    result = subprocess.run(
        [sys.executable, "-m", "innovisits", "restore", str(archive), "--into", str(target)],
        env=cli_env(world["data"]),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "bookkeeping InnoVisits did not write" in result.stderr and "../outside/secret.txt" in result.stderr
    assert not target.exists()


def test_restore_keeps_bookkeeping_innovisits_wrote(world):
    """The control: a real batch in the audit log and an interrupted commit's journal restore, and the
    restored directory reads as the commit finished."""
    data = world["data"]
    staged = data / _staged()
    staged.parent.mkdir(parents=True)
    staged.write_bytes((data / "visits" / f"batch-{world['batch']}.parquet").read_bytes())
    journal.write(data, _journal([[_staged(), f"visits/batch-{OTHER_BATCH}.parquet"]]))
    archive = _archive(world)
    restore(archive, world["tmp"] / "restored")
    restored = world["tmp"] / "restored"
    assert journal.pending(restored).renamed == {f"visits/batch-{OTHER_BATCH}.parquet": _staged()}
    assert Store(restored).row_counts()["visits"] == 6  # 4 known + K5 + the same K5 staged again
    assert [b.batch_id for b in audit.batches(restored)] == [str(world["batch"])]


@pytest.mark.parametrize("case", JOURNALS)
def test_a_hostile_journal_in_the_data_directory_is_never_acted_on(world, case, cli_env):
    """Placed by hand: readers ignore it, and every writer refuses with a message instead of following it."""
    data = _with_journal(world, JOURNALS[case])
    before, data_before = tree(world["outside"]), tree(data)
    assert Store(data).row_counts()["cities"] == 3  # a reader sees the files as they are
    assert journal.pending(data) == journal.Pending()
    with pytest.raises(paths.UnsafePath):
        journal.recover(data)
    with pytest.raises(paths.UnsafePath):
        batches.commit(prepare([Upload("v.csv", f.VISITS.replace("K5", "K6").encode())], data), "tester")
    with pytest.raises(paths.UnsafePath):
        batches.undo(data, str(world["batch"]), "tester")
    result = subprocess.run(
        [sys.executable, "-m", "innovisits", "recover"], env=cli_env(data), capture_output=True, text=True, timeout=120
    )
    assert (
        result.returncode == 2
        and "Traceback" not in result.stderr
        and "not a journal InnoVisits wrote" in result.stderr
    )
    assert tree(world["outside"]) == before
    assert tree(data) == data_before


@pytest.mark.parametrize("case", [c for c in AUDITS if c != "not an event"])
def test_undo_of_a_hostile_audit_record_touches_nothing(world, case):
    data = _with_audit(world, AUDITS[case])
    batch_id = AUDITS[case](world)["batch_id"]
    before, data_before = tree(world["outside"]), tree(data)
    with pytest.raises(batches.UndoError, match="not one InnoVisits wrote"):
        batches.undo(data, batch_id, "tester")
    assert tree(world["outside"]) == before and tree(data) == data_before


def test_the_real_batch_still_withdraws(world):
    """The control for the checks above: the batch InnoVisits wrote is withdrawn as before."""
    data = world["data"]
    batches.undo(data, str(world["batch"]), "tester")
    assert Store(data).row_counts()["visits"] == 4
    assert not any(meta_dir(data).joinpath("trash").iterdir())


@pytest.mark.parametrize(
    "written",
    ["../x", "/etc/passwd", "a/../../x", "visits\\..\\x", "", ".", "visits//batch.parquet", "a\x00b", 3, None],
)
def test_paths_outside_or_not_canonical_are_refused(tmp_path, written):
    with pytest.raises(paths.UnsafePath):
        paths.inside(tmp_path, written)


def test_a_link_leading_out_is_refused(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "visits").symlink_to(tmp_path, target_is_directory=True)
    with pytest.raises(paths.UnsafePath, match="leads out"):
        paths.batch_file(tmp_path / "data", f"visits/batch-{OTHER_BATCH}.parquet", OTHER_BATCH)
    assert paths.inside(tmp_path, "data/visits") == tmp_path / "data" / "visits"  # inside the parent: fine
    shutil.rmtree(tmp_path / "data")
