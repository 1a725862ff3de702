"""Storing a batch atomically, withdrawing it, and recovering from a crash in either.

Commit: every table's new rows are written as Parquet to `.innovisits/staging/<batch>/` and fsynced;
then, holding the directory lock exclusively, a journal (the list of renames and the audit record) is
written and fsynced, each file is renamed to `<data dir>/<table>/batch-<batch>.parquet`, the audit record
is appended, and the journal removed (`data.journal`). A crash before the journal exists leaves only staging
files (the batch never happened); after it, readers see the whole batch and the next writer (or the
`recover` verb) completes the renames and the audit record. Undo is the same with renames into
`.innovisits/trash/`.

On a bucket (an s3:// data directory) there is no rename and no lock: the batch's Parquet objects are
written first under their final names, then the audit log object, which is also the manifest readers go by,
is rewritten with the new event only if nobody else rewrote it meanwhile (`bucket.publish`). Until then the
objects are invisible, so a batch is there whole or not at all for every replica; undo publishes the
withdrawal the same way, and a later writer deletes the withdrawn or never-published objects once no reader
can still be reading them (`SWEEP_AFTER`)."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from innovisits import i18n
from innovisits.data import audit, bucket, engine, journal, paths
from innovisits.data.config import ConfigError, is_url
from innovisits.data.lock import meta_dir, writing
from innovisits.data.store import data_version

if TYPE_CHECKING:
    from innovisits.ingest.plan import Plan

UPLOADS_ENV = "INNOVISITS_UPLOADS"  # "off" on servers that must not write
SWEEP_AFTER = timedelta(minutes=10)  # a reader that listed a withdrawn batch is done with it by then


class StaleError(Exception):
    """The store changed between the preview and the commit; preview again."""


class UndoError(Exception):
    """The batch cannot be withdrawn (unknown, or already withdrawn)."""


def why_off(data_dir: Path | str) -> str | None:
    """Why this server cannot store uploads in `data_dir`, or None when it can: turned off here
    (`INNOVISITS_UPLOADS=off`, e.g. on the replicas of a deployment that keeps one writer machine), a setting
    the engine refuses, or a local directory it may not write. Said before anyone uploads, never midway."""
    if os.environ.get(UPLOADS_ENV, "").strip().lower() == "off":
        return f"uploads are turned off on this server ({UPLOADS_ENV}=off)"
    try:
        engine.configured({**os.environ, "INNOVISITS_DATA_DIR": str(data_dir)})
    except ConfigError as error:
        return str(error)
    if is_url(data_dir):
        return None
    target = meta_dir(data_dir) if meta_dir(data_dir).is_dir() else Path(data_dir)
    if not os.access(target, os.W_OK):
        return f"the data directory {data_dir} is read-only for this server"
    return None


def new_batch_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def commit(plan: Plan, who: str) -> str | None:
    """Store the plan's rows as one batch; its id, or None when there is nothing new to add. A directory
    that cannot be written (read-only, full disk) raises WriteError and keeps nothing of the attempt."""
    if not plan.ok:
        raise ValueError("a plan with problems cannot be stored")
    if plan.adds_nothing:
        return None
    if is_url(plan.data_dir):
        return _commit_to_bucket(plan, who)
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
                created = sorted({str(Path(d).parent) for _, d in moves if not (data_dir / d).parent.is_dir()})
                record = _added(plan, batch_id, who, [dst for _, dst in moves], created)
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


def _added(plan: Plan, batch_id: str, who: str, data_files: list[str], created_dirs: list[str]) -> dict[str, Any]:
    """The audit record of a batch: who stored which files (with their checksums), rows and data files."""
    return {
        "event": "add",
        "batch_id": batch_id,
        "at": _now(),
        "by": who,
        "files": [
            {"name": f.name, "sha256": f.sha256, "bytes": f.size, "kind": f.kind, "rows": f.rows} for f in plan.files
        ],
        "rows": plan.counts(),
        "paths": data_files,
        "created_dirs": created_dirs,
    }


def _withdrawn(batch_id: str, who: str) -> dict[str, Any]:
    return {"event": "undo", "batch_id": batch_id, "at": _now(), "by": who}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _batch_path(table: str, batch_id: str) -> str:
    return f"{table}/batch-{batch_id}.parquet"


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
        moves.append([str(staged.relative_to(plan.data_dir)), _batch_path(table, batch_id)])
    journal.fsync(staging)
    return moves


def undo(data_dir: Path | str, batch_id: str, who: str) -> audit.Batch:
    """Withdraw a batch: its files leave the data directory, which is then as it was before the batch."""
    if is_url(data_dir):
        return _undo_in_bucket(str(data_dir), batch_id, who)
    with writing(data_dir) as held:
        if not held:
            raise WriteError("read_only")
        with _written(data_dir):
            journal.recover(data_dir)
        batch = _active(audit.batches(data_dir), batch_id)
        listed = {"event": "add", "batch_id": batch.batch_id, "paths": batch.paths, "created_dirs": batch.created_dirs}
        try:
            audit.check(data_dir, listed)  # its files are moved and its folders removed: never any others
        except paths.UnsafePath as error:
            raise UndoError(
                f"the audit log's record of batch {batch_id!r} is not one InnoVisits wrote: {error}"
            ) from error
        trash = meta_dir(data_dir) / "trash" / batch_id
        moves = [[path, str((trash / path.replace("/", "__")).relative_to(data_dir))] for path in batch.paths]
        record = _withdrawn(batch_id, who)
        with _written(data_dir):
            journal.write(data_dir, {"op": "undo", "moves": moves, "record": record, "remove_dirs": batch.created_dirs})
            journal.finish(data_dir)
    return batch


def _active(found: list[audit.Batch], batch_id: str) -> audit.Batch:
    """The batch to withdraw, or why it cannot be."""
    batch = next((b for b in found if b.batch_id == batch_id), None)
    if batch is None:
        raise UndoError(f"no batch {batch_id!r}")
    if not batch.is_active:
        raise UndoError(f"batch {batch_id} was already withdrawn at {batch.withdrawn_at}")
    return batch


def _commit_to_bucket(plan: Plan, who: str) -> str:
    url = str(plan.data_dir)
    read = bucket.manifest(url)
    sweep(url, read)
    if data_version(url) != plan.version:
        raise StaleError("the data changed since the preview")
    batch_id = new_batch_id()
    objects = [_batch_path(table, batch_id) for table in plan.counts()]
    with tempfile.TemporaryDirectory(prefix="innovisits-batch-") as staging:
        for table, path in zip(plan.counts(), objects, strict=True):
            local = f"{staging}/{table}.parquet"
            plan.rows(table).write_parquet(local)
            bucket.put(url, path, local)
    try:
        bucket.publish(url, read, read.text + audit.as_line(_added(plan, batch_id, who, objects, [])))
    except bucket.Conflict as error:
        bucket.remove(url, objects)
        raise StaleError(str(error)) from error
    return batch_id


def _undo_in_bucket(url: str, batch_id: str, who: str) -> audit.Batch:
    read = bucket.manifest(url)
    sweep(url, read)
    batch = _active(audit.batches_of(audit.parse(read.text)), batch_id)
    try:
        bucket.publish(url, read, read.text + audit.as_line(_withdrawn(batch_id, who)))
    except bucket.Conflict as error:
        raise UndoError(f"{error}; look at the history and try again") from error
    return batch


def sweep(url: str, read: bucket.Manifest, now: datetime | None = None) -> list[str]:
    """Delete the batch objects no reader can see any more: those of batches withdrawn, or written but never
    published, at least SWEEP_AFTER ago. The deleted objects' paths."""
    now = now or datetime.now(UTC)
    found = audit.batches_of(audit.parse(read.text))
    named = {path: b for b in found for path in b.paths}
    old = []
    for listed in bucket.list_files(url):
        if not bucket.is_batch_object(listed.relative_path):
            continue
        batch = named.get(listed.relative_path)
        if batch is None:
            since = datetime.fromtimestamp(listed.modified_ns / 1e9, UTC)
        elif batch.withdrawn_at is not None:
            since = datetime.fromisoformat(batch.withdrawn_at)
        else:
            continue
        if now - since >= SWEEP_AFTER:
            old.append(listed.relative_path)
    bucket.remove(url, old)
    return old
