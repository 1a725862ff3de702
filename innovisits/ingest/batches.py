"""Storing a batch atomically, withdrawing it, and recovering from a crash in either.

Commit: every table's new rows are written as Parquet to `.innovisits/staging/<batch>/` and fsynced;
then, holding the directory lock exclusively, a journal (the list of renames and the audit record) is
written and fsynced, each file is renamed to `<data dir>/<table>/batch-<batch>.parquet`, the audit record
is appended, and the journal removed (`data.journal`). A crash before the journal exists leaves only staging
files (the batch never happened); after it, readers see the whole batch and the next writer (or the
`recover` verb) completes the renames and the audit record. Undo is the same with renames into
`.innovisits/trash/`."""

from __future__ import annotations

import contextlib
import errno
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from innovisits import i18n
from innovisits.data import audit, journal, paths
from innovisits.data.lock import meta_dir, writing
from innovisits.data.store import data_version

if TYPE_CHECKING:
    from innovisits.ingest.plan import Plan


class StaleError(Exception):
    """The store changed between the preview and the commit; preview again."""


class UndoError(Exception):
    """The batch cannot be withdrawn (unknown, or already withdrawn)."""


def new_batch_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def commit(plan: Plan, who: str) -> str | None:
    """Store the plan's rows as one batch; its id, or None when there is nothing new to add. A directory
    that cannot be written (read-only, full disk) raises WriteError and keeps nothing of the attempt."""
    if not plan.ok:
        raise ValueError("a plan with problems cannot be stored")
    if plan.adds_nothing:
        return None
    data_dir = plan.data_dir
    with writing(data_dir) as held:  # staging too, so no other ingest's recovery sweeps it away
        if not held:
            raise WriteError("read_only")
        with _written(data_dir):
            journal.recover(data_dir)
        batch_id = new_batch_id()  # under the lock: ids are unique and in commit order
        if data_version(data_dir) != plan.version:
            raise StaleError("the data changed since the preview")
        try:
            with _written(data_dir):
                moves = _stage(plan, batch_id)
                record = _record(plan, batch_id, who, moves)
                journal.write(data_dir, {"op": "add", "moves": moves, "record": record})
        except WriteError:  # before the journal: the batch never happened, and leaves nothing behind
            shutil.rmtree(meta_dir(data_dir) / "staging" / batch_id, ignore_errors=True)
            with contextlib.suppress(OSError):
                journal.path(data_dir).with_suffix(".tmp").unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                (meta_dir(data_dir) / "staging").rmdir()  # only when empty
            raise
        try:
            with _written(data_dir):
                journal.finish(data_dir)
        except WriteError as error:  # the journal is in place: readers see the batch, the next writer ends it
            raise WriteError("unfinished", error.detail) from error
    return batch_id


def _record(plan: Plan, batch_id: str, who: str, moves: list[list[str]]) -> dict:
    data_dir = plan.data_dir
    return {
        "event": "add",
        "batch_id": batch_id,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
        "by": who,
        "files": [
            {"name": f.name, "sha256": f.sha256, "bytes": f.size, "kind": f.kind, "rows": f.rows} for f in plan.files
        ],
        "rows": plan.counts(),
        "paths": [dst for _, dst in moves],
        "created_dirs": sorted({str(Path(dst).parent) for _, dst in moves if not (data_dir / dst).parent.is_dir()}),
    }


class WriteError(Exception):
    """The data directory could not be written: `code` is read_only, no_space, failed or unfinished (see the
    locale file, `upload_write_<code>`), `detail` the system's words."""

    def __init__(self, code: str, detail: str = "") -> None:
        self.code, self.detail = code, detail
        super().__init__(i18n.t(f"upload_write_{code}", "en", detail=detail))


_READ_ONLY = {errno.EROFS, errno.EACCES, errno.EPERM}
_NO_SPACE = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


@contextlib.contextmanager
def _written(data_dir: Path) -> Iterator[None]:
    """Turn the operating system's and DuckDB's write failures into a WriteError (no traceback, no paths)."""
    try:
        yield
    except OSError as error:
        code = "read_only" if error.errno in _READ_ONLY else "no_space" if error.errno in _NO_SPACE else "failed"
        raise WriteError(code, error.strerror or str(error)) from error
    except duckdb.IOException as error:
        text = str(error).splitlines()[0].replace(str(data_dir), "the data directory")
        code = "no_space" if "No space left" in text or "File too large" in text else "failed"
        raise WriteError(code, text) from error


def _stage(plan: Plan, batch_id: str) -> list[list[str]]:
    """Write each table's rows as Parquet under staging, fsynced; the renames that will publish them."""
    staging = meta_dir(plan.data_dir) / "staging" / batch_id
    staging.mkdir(parents=True)
    moves = []
    for table in plan.counts():
        staged = staging / f"{table}.parquet"
        plan.rows(table).write_parquet(str(staged))
        journal.fsync(staged)
        moves.append([str(staged.relative_to(plan.data_dir)), f"{table}/batch-{batch_id}.parquet"])
    journal.fsync(staging)
    return moves


def undo(data_dir: Path, batch_id: str, who: str) -> audit.Batch:
    """Withdraw a batch: its files leave the data directory, which is then as it was before the batch."""
    with writing(data_dir) as held:
        if not held:
            raise WriteError("read_only")
        with _written(data_dir):
            journal.recover(data_dir)
        batch = next((b for b in audit.batches(data_dir) if b.batch_id == batch_id), None)
        if batch is None:
            raise UndoError(f"no batch {batch_id!r}")
        if not batch.is_active:
            raise UndoError(f"batch {batch_id} was already withdrawn at {batch.withdrawn_at}")
        listed = {"event": "add", "batch_id": batch.batch_id, "paths": batch.paths, "created_dirs": batch.created_dirs}
        try:
            audit.check(data_dir, listed)  # its files are moved and its folders removed: never any others
        except paths.UnsafePath as error:
            raise UndoError(
                f"the audit log's record of batch {batch_id!r} is not one InnoVisits wrote: {error}"
            ) from error
        trash = meta_dir(data_dir) / "trash" / batch_id
        moves = [[path, str((trash / path.replace("/", "__")).relative_to(data_dir))] for path in batch.paths]
        record = {
            "event": "undo",
            "batch_id": batch_id,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "by": who,
        }
        with _written(data_dir):
            journal.write(data_dir, {"op": "undo", "moves": moves, "record": record, "remove_dirs": batch.created_dirs})
            journal.finish(data_dir)
    return batch
