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
correct its rows) cannot be withdrawn until those are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from innovisits.data import audit, journal
from innovisits.data.lock import meta_dir, writing
from innovisits.data.store import TABLES as STORED_TABLES
from innovisits.data.store import connect, data_version
from innovisits.ingest.resolve import REFERENCES
from innovisits.ingest.rules import TABLES, key_of
from innovisits.ingest.snapshot import ALIAS_COLUMNS, Snapshot, join_keys

if TYPE_CHECKING:
    from innovisits.ingest.plan import Plan

VISITS_NAMED = 20  # visit ids kept in a batch's audit record (history names the batch by them)
CHANGES_KEPT = 1000  # changed values kept in a correcting batch's audit record


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
    return store(plan.snapshot, plan.version, record, who)


def store(snapshot: Snapshot, version: tuple, record: dict[str, Any], who: str) -> str:
    """Store the snapshot's `new_<table>` rows and `fixed_<table>` corrections as one batch, if the data is
    still at `version`; `record` is added to its audit record. The batch id."""
    data_dir = snapshot.data_dir
    with writing(data_dir):  # staging too, so no other ingest's recovery sweeps it away
        journal.recover(data_dir)
        batch_id = new_batch_id()  # under the lock: ids are unique and in commit order
        if data_version(data_dir) != version:
            raise StaleError("the data changed since the preview")
        superseded = _supersede(snapshot, batch_id)
        moves = _stage(snapshot, batch_id, [path for path, _ in superseded])
        visits = _visit_ids(snapshot)
        record = {
            **record,
            "event": "add",
            "batch_id": batch_id,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "by": who,
            "visits": visits[:VISITS_NAMED],
            "visit_count": len(visits),
            "paths": [dst for _, dst in moves],
            "superseded": superseded,
            "created_dirs": sorted({str(Path(dst).parent) for _, dst in moves if not (data_dir / dst).parent.is_dir()}),
        }
        journal.write(data_dir, {"op": "add", "moves": superseded + moves, "record": record})
        journal.finish(data_dir)
    return batch_id


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
        new = con.table(f"new_{table}").select(*(ALIAS_COLUMNS if table == "aliases" else ["*"]))
        if new.count("*").fetchall()[0][0]:
            parts.append(new)
        if not parts:
            continue
        staged = staging / f"{table}.parquet"
        _union(parts).write_parquet(str(staged))
        journal.fsync(staged)
        moves.append([str(staged.relative_to(snapshot.data_dir)), f"{table}/batch-{batch_id}.parquet"])
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


def _visit_ids(snapshot: Snapshot) -> list[str]:
    """Every visit the batch adds rows to or corrects, by id (how history names a batch)."""
    found = set()
    for table, rule in TABLES.items():
        if "visit_id" in [c.name for c in rule.columns()]:
            for name in [f"new_{table}", *([f"fixed_{table}"] if key_of(table) else [])]:
                found.update(v for (v,) in snapshot.con.table(name).select("visit_id").distinct().fetchall())
    return sorted(found)


def undo(data_dir: Path, batch_id: str, who: str) -> audit.Batch:
    """Withdraw a batch: its files leave the data directory (and the files it superseded come back), which
    is then as it was before the batch. Refused while later active batches build on it."""
    with writing(data_dir):
        journal.recover(data_dir)
        found = audit.batches(data_dir)
        batch = next((b for b in found if b.batch_id == batch_id), None)
        if batch is None:
            raise UndoError(f"no batch {batch_id!r}")
        if not batch.is_active:
            raise UndoError(f"batch {batch_id} was already withdrawn at {batch.withdrawn_at}")
        blocking = dependants(data_dir, batch, found)
        if blocking:
            raise DependedOnError(batch_id, blocking)
        trash = meta_dir(data_dir) / "trash" / batch_id
        moves = [[path, str((trash / path.replace("/", "__")).relative_to(data_dir))] for path in batch.paths]
        moves += [[stash, original] for original, stash in batch.superseded]
        stash_dir = [str((meta_dir(data_dir) / "superseded" / batch_id).relative_to(data_dir))]
        record = {
            "event": "undo",
            "batch_id": batch_id,
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "by": who,
        }
        remove = [*batch.created_dirs, *(stash_dir if batch.superseded else [])]
        journal.write(data_dir, {"op": "undo", "moves": moves, "record": record, "remove_dirs": remove})
        journal.finish(data_dir)
    return batch


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
    if path.suffix == ".csv":
        return con.read_csv(str(path), header=True, all_varchar=True, encoding="utf-8")
    return con.read_parquet(str(path))


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
