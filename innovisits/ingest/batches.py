"""Storing a batch atomically, withdrawing it, and recovering from a crash in either.

Commit: every table's new rows are written as Parquet to `.innovisits/staging/<batch>/` and fsynced;
then, holding the directory lock exclusively, a journal (the list of renames and the audit record) is
written and fsynced, each file is renamed to `<data dir>/<table>/batch-<batch>.parquet`, the audit record
is appended, and the journal removed. A crash before the journal exists leaves only staging files (the
batch never happened); after it, `recover` (run by the next ingest, undo or store load) completes the
renames and the audit record (the whole batch). Undo is the same with renames into `.innovisits/trash/`."""

from __future__ import annotations

import json
import os
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from innovisits.ingest import audit
from innovisits.ingest.locking import journal, locked, meta_dir
from innovisits.store import data_version

if TYPE_CHECKING:
    from innovisits.ingest.plan import Plan

PAUSE_ENV = "INNOVISITS_INGEST_PAUSE"  # seconds to wait between renames: lets a test kill us midway


class StaleError(Exception):
    """The store changed between the preview and the commit; preview again."""


class UndoError(Exception):
    """The batch cannot be withdrawn (unknown, or already withdrawn)."""


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _pause() -> None:
    seconds = float(os.environ.get(PAUSE_ENV) or 0)
    if seconds:
        time.sleep(seconds)


def _write_journal(data_dir: Path, entry: dict[str, Any]) -> None:
    path = journal(data_dir)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
    _fsync(temporary)
    temporary.rename(path)
    _fsync(path.parent)


def new_batch_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def commit(plan: Plan, who: str) -> str | None:
    """Store the plan's rows as one batch; its id, or None when there is nothing new to add."""
    if not plan.ok:
        raise ValueError("a plan with problems cannot be stored")
    if plan.adds_nothing:
        return None
    data_dir = plan.data_dir
    with locked(data_dir, exclusive=True):  # staging too, so no other ingest's recovery sweeps it away
        recover(data_dir)
        batch_id = new_batch_id()  # under the lock: ids are unique and in commit order
        if data_version(data_dir) != plan.version:
            raise StaleError("the data changed since the preview")
        moves = _stage(plan, batch_id)
        record = {
            "event": "add",
            "batch_id": batch_id,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "by": who,
            "files": [
                {"name": f.name, "sha256": f.sha256, "bytes": f.size, "kind": f.kind, "rows": f.rows}
                for f in plan.files
            ],
            "rows": plan.counts(),
            "paths": [dst for _, dst in moves],
            "created_dirs": sorted({str(Path(dst).parent) for _, dst in moves if not (data_dir / dst).parent.is_dir()}),
        }
        _write_journal(data_dir, {"op": "add", "moves": moves, "record": record})
        _finish(data_dir)
    return batch_id


def _stage(plan: Plan, batch_id: str) -> list[list[str]]:
    """Write each table's rows as Parquet under staging, fsynced; the renames that will publish them."""
    staging = meta_dir(plan.data_dir) / "staging" / batch_id
    staging.mkdir(parents=True)
    moves = []
    for table in plan.counts():
        staged = staging / f"{table}.parquet"
        plan.rows(table).write_parquet(str(staged))
        _fsync(staged)
        moves.append([str(staged.relative_to(plan.data_dir)), f"{table}/batch-{batch_id}.parquet"])
    _fsync(staging)
    return moves


def undo(data_dir: Path, batch_id: str, who: str) -> audit.Batch:
    """Withdraw a batch: its files leave the data directory, which is then as it was before the batch."""
    with locked(data_dir, exclusive=True):
        recover(data_dir)
        batch = next((b for b in audit.batches(data_dir) if b.batch_id == batch_id), None)
        if batch is None:
            raise UndoError(f"no batch {batch_id!r}")
        if not batch.is_active:
            raise UndoError(f"batch {batch_id} was already withdrawn at {batch.withdrawn_at}")
        trash = meta_dir(data_dir) / "trash" / batch_id
        moves = [[path, str((trash / path.replace("/", "__")).relative_to(data_dir))] for path in batch.paths]
        record = {
            "event": "undo",
            "batch_id": batch_id,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "by": who,
        }
        _write_journal(data_dir, {"op": "undo", "moves": moves, "record": record, "remove_dirs": batch.created_dirs})
        _finish(data_dir)
    return batch


def _finish(data_dir: Path) -> None:
    """Carry out the journal: idempotent, so recovery can run it again after a crash at any point."""
    entry = json.loads(journal(data_dir).read_text(encoding="utf-8"))
    for src, dst in entry["moves"]:
        source, target = data_dir / src, data_dir / dst
        if source.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            source.rename(target)
            _fsync(target.parent)
            _pause()
    for folder in entry.get("remove_dirs", []):
        path = data_dir / folder
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    record = entry["record"]
    if not audit.has(data_dir, record["event"], record["batch_id"]):
        audit.append(data_dir, record)
    journal(data_dir).unlink()
    _fsync(meta_dir(data_dir))
    for leftover in ("staging", "trash"):
        shutil.rmtree(meta_dir(data_dir) / leftover / record["batch_id"], ignore_errors=True)


def recover(data_dir: Path) -> None:
    """Run while holding the lock exclusively: finish a journalled commit or undo, then drop staging
    files of commits that crashed before their journal (those batches never happened)."""
    meta_dir(data_dir).joinpath("journal.tmp").unlink(missing_ok=True)
    if journal(data_dir).exists():
        _finish(data_dir)
    for leftover in ("staging", "trash"):
        folder = meta_dir(data_dir) / leftover
        for path in folder.glob("*") if folder.is_dir() else ():
            shutil.rmtree(path, ignore_errors=True)
