"""Storing a batch atomically, withdrawing it, and recovering from a crash in either.

Commit: every table's new rows are written as Parquet to `.innovisits/staging/<batch>/` and fsynced;
then, holding the directory lock exclusively, a journal (the list of renames and the audit record) is
written and fsynced, each file is renamed to `<data dir>/<table>/batch-<batch>.parquet`, the audit record
is appended, and the journal removed (`data.journal`). A crash before the journal exists leaves only staging
files (the batch never happened); after it, readers see the whole batch and the next writer (or the
`recover` verb) completes the renames and the audit record. Undo is the same with renames into
`.innovisits/trash/`.

A correcting batch (stored rows given new values, or a reference row renamed) supersedes the files holding
those rows: each such file is renamed into `.innovisits/superseded/<batch>/`, and the batch's own file holds
their rows with the corrections applied (plus any new rows). Readers need nothing new: the data directory
simply holds the corrected rows. Undo renames the originals back, so the directory is byte for byte as it was.
A batch that later active batches build on (their rows point at its visits or reference rows, or they
correct its rows) cannot be withdrawn until those are.

On a bucket (an s3:// data directory) there is no rename and no lock: the batch's Parquet objects are
written first under their final names, then the audit log object, which is also the manifest readers go by,
is rewritten with the new event only if nobody else rewrote it meanwhile (`bucket.publish`). Until then the
objects are invisible, so a batch is there whole or not at all for every replica; undo publishes the
withdrawal the same way, and a later writer deletes the withdrawn or never-published objects once no reader
can still be reading them (`SWEEP_AFTER`). Corrections need renames, so a bucket takes new rows only."""

from __future__ import annotations

import contextlib
import errno
import functools
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from innovisits import i18n
from innovisits.data import audit, bucket, engine, journal, paths
from innovisits.data.config import ConfigError, is_url
from innovisits.data.lock import meta_dir, writing
from innovisits.data.store import TABLES as STORED_TABLES
from innovisits.data.store import connect, data_version, readers
from innovisits.ingest.resolve import REFERENCES
from innovisits.ingest.rules import TABLES, key_of
from innovisits.ingest.snapshot import ALIAS_COLUMNS, Snapshot, join_keys

if TYPE_CHECKING:
    from innovisits.ingest.plan import Plan

VISITS_NAMED = 20  # visit ids kept in a batch's audit record (history names the batch by them)
CHANGES_KEPT = 1000  # changed values kept in a correcting batch's audit record
UPLOADS_ENV = "INNOVISITS_UPLOADS"  # "off" on servers that must not write
SWEEP_AFTER = timedelta(minutes=10)  # a reader that listed a withdrawn batch is done with it by then


class StaleError(Exception):
    """The store changed between the preview and the commit; preview again."""


class UndoError(Exception):
    """The batch cannot be withdrawn (unknown, or already withdrawn)."""


@dataclass(frozen=True)
class Dependant:
    """A later active batch that builds on the one to withdraw: it `corrects` that batch's rows, or its rows
    `use` keys (visits, departments, ...) only that batch added."""

    batch_id: str
    how: str  # "corrects" or "uses"


class DependedOnError(UndoError):
    """Later batches build on this one: withdraw them first (newest first)."""

    def __init__(self, batch_id: str, dependants: list[Dependant]) -> None:
        self.batch_id, self.dependants = batch_id, dependants
        later = ", ".join(f"{d.batch_id} ({d.how} it)" for d in dependants)
        super().__init__(
            f"batch {batch_id} cannot be withdrawn while later batches build on it: {later}; withdraw those first"
        )


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
    """Store the plan's rows (and corrections) as one batch; its id, or None when there is nothing to store."""
    if not plan.ok:
        raise ValueError("a plan with problems cannot be stored")
    if plan.adds_nothing:
        return None
    record = {
        "files": [
            {"name": f.name, "sha256": f.sha256, "bytes": f.size, "kind": f.kind, "rows": f.rows} for f in plan.files
        ],
        "rows": plan.counts(),
    }
    if any(plan.corrected.values()):
        record["corrected"] = {t: n for t, n in plan.corrected.items() if n}
        record["changes"] = [[c.table, c.key, c.column, c.old, c.new] for c in plan.changes[:CHANGES_KEPT]]
    if is_url(plan.data_dir):
        if "corrected" in record:
            raise ConfigError("corrections need a data directory on disk: a bucket takes new rows only")
        return _commit_to_bucket(plan, who, record)
    return store(plan.snapshot, plan.version, record, who)


def store(snapshot: Snapshot, version: tuple, record: dict[str, Any], who: str) -> str:
    """Store the snapshot's `new_<table>` rows and `fixed_<table>` corrections as one batch, if the data is
    still at `version`; `record` is added to its audit record. The batch id."""
    data_dir = snapshot.data_dir
    with writing(data_dir) as held:  # staging too, so no other ingest's recovery sweeps it away
        if not held:
            raise WriteError("read_only")
        with _written(data_dir):
            journal.recover(data_dir)
        batch_id = new_batch_id()  # under the lock: ids are unique and in commit order
        if data_version(data_dir) != version:
            raise StaleError("the data changed since the preview")
        try:
            with _written(data_dir):
                superseded = _supersede(snapshot, batch_id)
                moves = _stage(snapshot, batch_id, [path for path, _ in superseded])
                created = sorted({str(Path(d).parent) for _, d in moves if not (data_dir / d).parent.is_dir()})
                paths_added = [dst for _, dst in moves]
                record = _added(record, snapshot, batch_id, who, paths_added, created, superseded)
                journal.write(data_dir, {"op": "add", "moves": superseded + moves, "record": record})
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


def _added(
    record: dict[str, Any],
    snapshot: Snapshot,
    batch_id: str,
    who: str,
    data_files: list[str],
    created_dirs: list[str],
    superseded: list[list[str]],
) -> dict[str, Any]:
    """The audit record of a stored batch: `record` (its files, rows, corrections) with who stored it when,
    the visits it holds (how history names it), its data files and what it created or set aside."""
    visits, visit_count = _visit_ids(snapshot)
    return {
        **record,
        "event": "add",
        "batch_id": batch_id,
        "at": _now(),
        "by": who,
        "visits": visits,
        "visit_count": visit_count,
        "paths": data_files,
        "superseded": superseded,
        "created_dirs": created_dirs,
    }


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _batch_path(table: str, batch_id: str) -> str:
    return f"{table}/batch-{batch_id}.parquet"


def _supersede(snapshot: Snapshot, batch_id: str) -> list[list[str]]:
    """The renames that set aside every stored file holding a row this batch corrects."""
    stash = meta_dir(snapshot.data_dir) / "superseded" / batch_id
    moves = []
    for table in STORED_TABLES:
        if snapshot.corrected(table):
            for path in snapshot.files_holding(table, snapshot.con.table(f"fixed_{table}")):
                relative = str(path.relative_to(snapshot.data_dir))
                moves.append([relative, str((stash / relative.replace("/", "__")).relative_to(snapshot.data_dir))])
    return moves


def _stage(snapshot: Snapshot, batch_id: str, superseded: list[str]) -> list[list[str]]:
    """Write each table's rows as Parquet under staging, fsynced; the renames that will publish them. A table
    with corrections gets the rows of its superseded files, corrected, beside its new rows."""
    con = snapshot.con
    staging = meta_dir(snapshot.data_dir) / "staging" / batch_id
    staging.mkdir(parents=True)
    moves = []
    for table in (*STORED_TABLES, "aliases"):
        parts = []
        if snapshot.corrected(table):
            fixed = con.table(f"fixed_{table}")
            old = [snapshot.file_rows(snapshot.data_dir / p) for p in superseded if _table_of(p) == table]
            parts += [join_keys(_union(old), fixed, key_of(table), "anti"), fixed]
        new = snapshot.new(table)
        if new is not None and new.count("*").fetchall()[0][0]:
            parts.append(new.select(*(ALIAS_COLUMNS if table == "aliases" else ["*"])))
        if not parts:
            continue
        staged = staging / f"{table}.parquet"
        _union(parts).write_parquet(str(staged))
        journal.fsync(staged)
        moves.append([str(staged.relative_to(snapshot.data_dir)), _batch_path(table, batch_id)])
    journal.fsync(staging)
    return moves


def _union(parts: list[duckdb.DuckDBPyRelation]) -> duckdb.DuckDBPyRelation:
    result = parts[0]
    for part in parts[1:]:
        result = result.union(part)
    return result


def _table_of(path: str) -> str:
    """The table a data file belongs to: `visits.csv` and `visits/batch-1.parquet` are both visits."""
    return path.partition("/")[0] if "/" in path else path.partition(".")[0]


def _visit_ids(snapshot: Snapshot) -> tuple[list[str], int]:
    """The first VISITS_NAMED ids (in order) of the visits the batch adds rows to or corrects (how history
    names a batch), and how many there are; counted in DuckDB in one pass (a million delegates took 0.2 s in
    Python, and 0.06 s a pass)."""
    found = [
        snapshot.con.table(name).select("visit_id")
        for table, rule in TABLES.items()
        if table in snapshot.staged and "visit_id" in [c.name for c in rule.columns()]
        for name in [f"new_{table}", *([f"fixed_{table}"] if key_of(table) else [])]
    ]
    if not found:
        return [], 0
    ids = functools.reduce(duckdb.DuckDBPyRelation.union, found).distinct()
    first = duckdb.FunctionExpression(
        "min", duckdb.ColumnExpression("visit_id"), duckdb.ConstantExpression(VISITS_NAMED)
    )
    named, count = ids.aggregate([first, duckdb.FunctionExpression("count_star")]).fetchall()[0]
    return named or [], count


def undo(data_dir: Path | str, batch_id: str, who: str) -> audit.Batch:
    """Withdraw a batch: its files leave the data directory (and the files it superseded come back), which
    is then as it was before the batch. Refused while later active batches build on it."""
    if is_url(data_dir):
        return _undo_in_bucket(str(data_dir), batch_id, who)
    with writing(data_dir) as held:
        if not held:
            raise WriteError("read_only")
        with _written(data_dir):
            journal.recover(data_dir)
        found = audit.batches(data_dir)
        batch = _active(found, batch_id)
        listed = {
            "event": "add",
            "batch_id": batch.batch_id,
            "paths": batch.paths,
            "created_dirs": batch.created_dirs,
            "superseded": batch.superseded,
        }
        try:
            audit.check(data_dir, listed)  # its files are moved and its folders removed: never any others
        except paths.UnsafePath as error:
            raise UndoError(
                f"the audit log's record of batch {batch_id!r} is not one InnoVisits wrote: {error}"
            ) from error
        blocking = dependants(data_dir, batch, found)
        if blocking:
            raise DependedOnError(batch_id, blocking)
        trash = meta_dir(data_dir) / "trash" / batch_id
        moves = [[path, str((trash / path.replace("/", "__")).relative_to(data_dir))] for path in batch.paths]
        moves += [[stash, original] for original, stash in batch.superseded]
        stash_dir = [str((meta_dir(data_dir) / "superseded" / batch_id).relative_to(data_dir))]
        remove = [*batch.created_dirs, *(stash_dir if batch.superseded else [])]
        entry = {"op": "undo", "moves": moves, "record": _withdrawn(batch_id, who), "remove_dirs": remove}
        with _written(data_dir):
            journal.write(data_dir, entry)
            journal.finish(data_dir)
    return batch


def _withdrawn(batch_id: str, who: str) -> dict[str, Any]:
    return {"event": "undo", "batch_id": batch_id, "at": _now(), "by": who}


def _active(found: list[audit.Batch], batch_id: str) -> audit.Batch:
    """The batch to withdraw, or why it cannot be."""
    batch = next((b for b in found if b.batch_id == batch_id), None)
    if batch is None:
        raise UndoError(f"no batch {batch_id!r}")
    if not batch.is_active:
        raise UndoError(f"batch {batch_id} was already withdrawn at {batch.withdrawn_at}")
    return batch


def _commit_to_bucket(plan: Plan, who: str, record: dict[str, Any]) -> str:
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
    event = _added(record, plan.snapshot, batch_id, who, objects, [], [])
    try:
        bucket.publish(url, read, read.text + audit.as_line(event))
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


def _pointers(table: str) -> dict[str, tuple[str, str]]:
    """A table's columns that hold another table's key: column -> (that table, its key column)."""
    if table not in TABLES:
        return {}
    rule = TABLES[table]
    found = {column: (parent, TABLES[parent].key[0]) for column, parent in rule.parents.items()}
    found.update({column: REFERENCES[kind][:2] for column, kind in rule.resolves.items()})
    return found


def dependants(data_dir: Path, batch: audit.Batch, every: list[audit.Batch] | None = None) -> list[Dependant]:
    """The later active batches that build on `batch`: they supersede (correct) one of its files, or their
    rows point at a key that `batch` added (and that no file it superseded already held)."""
    later = [b for b in every or audit.batches(data_dir) if b.is_active and b.batch_id > batch.batch_id]
    if not later:
        return []
    con = connect()
    set_aside = {original: stash for b in later for original, stash in b.superseded}
    added = _added_keys(con, data_dir, batch, set_aside)
    found = []
    for other in sorted(later, key=lambda b: b.batch_id):
        if set(batch.paths) & {original for original, _ in other.superseded}:
            found.append(Dependant(other.batch_id, "corrects"))
        elif any(_uses(con, data_dir / path, _table_of(path), added) for path in other.paths):
            found.append(Dependant(other.batch_id, "uses"))
    return found


def _read(con: duckdb.DuckDBPyConnection, path: Path) -> duckdb.DuckDBPyRelation:
    return readers(con)[path.suffix.lstrip(".")]([str(path)])


def _added_keys(
    con: duckdb.DuckDBPyConnection, data_dir: Path, batch: audit.Batch, set_aside: dict[str, str]
) -> dict[str, duckdb.DuckDBPyRelation]:
    """Table -> the keys (as text, column `key`) that `batch` brought in, for tables others point into. A file
    of the batch that a later correction superseded is read where it was set aside."""
    pointed = {parent: column for table in TABLES for parent, column in _pointers(table).values()}
    text = duckdb.sqltype("VARCHAR")
    found = {}
    for path in batch.paths:
        table = _table_of(path)
        if table not in pointed:
            continue
        keys = _read(con, data_dir / set_aside.get(path, path)).select(
            duckdb.ColumnExpression(pointed[table]).cast(text).alias("key")
        )
        for original, stash in batch.superseded:
            if _table_of(original) == table:
                before = _read(con, data_dir / stash).select(
                    duckdb.ColumnExpression(pointed[table]).cast(text).alias("key")
                )
                keys = keys.join(before, "key", how="anti")
        keys.distinct().create(f"added_{table}")
        found[table] = con.table(f"added_{table}")
    return found


def _uses(con: duckdb.DuckDBPyConnection, path: Path, table: str, added: dict[str, duckdb.DuckDBPyRelation]) -> bool:
    """Whether a data file's rows point at any of the added keys."""
    pointers = {c: p for c, (p, _) in _pointers(table).items() if p in added}
    if not pointers:
        return False
    rows = _read(con, path)
    text = duckdb.sqltype("VARCHAR")
    for column, parent in pointers.items():
        values = rows.select(duckdb.ColumnExpression(column).cast(text).alias("key"))
        if values.join(added[parent], "key", how="semi").limit(1).fetchall():
            return True
    return False
