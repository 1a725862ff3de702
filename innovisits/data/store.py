"""The store: every table of the data directory loaded by DuckDB into one database snapshot.

Each table is read from all of `<dir>/<table>.csv`, `<dir>/<table>.parquet`, `<dir>/<table>/*.csv` and
`<dir>/<table>/*.parquet` that exist, matched to the typed schema in `queries/setup/schema.sql` by column
name. A store is a snapshot: it is built once for a data version (see `data_version`) and never changes,
so readers never see half an upload; a new version means a new store.

Data of any size is loaded once into a DuckDB database file in the cache directory, named by the data directory
and its version, and then opened read-only: a restart, a second replica or the CLI opens it in milliseconds
(even 10^4 rows take longer to load than a file takes to open), and DuckDB keeps only the columns in use in
memory, within `config.memory_limit()`. Only when the cache directory cannot be written is the data loaded
into memory.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import shutil
import stat as stat_module
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from innovisits.data import config, engine, journal, lock, sql
from innovisits.data.filters import Filters

FORMATS = ("csv", "parquet")  # a table's files of each format, read in this order
TABLES = ("cities", "departments", "technologies", "visits", "participants", "visit_technologies", "follow_ups")
# Run after the tables are loaded: the fact tables the filters read (rebuilt when rows are added), then the
# filter macros. All of it is SQL, so the benchmark's bare DuckDB runs exactly the same.
FACTS_SETUP: tuple[str, ...] = ("setup/facts", "setup/fact_keys", "setup/fact_rows")
DERIVED_SETUP: tuple[str, ...] = (*FACTS_SETUP, "setup/filters")
# An upload adds files to these tables only: a snapshot is brought up to date with its rows (see `_update`).
UPLOAD_TABLES = ("visits", "participants", "visit_technologies", "follow_ups")
UPDATE_SETUP: tuple[str, ...] = ("setup/fact_keys", "setup/facts_touched", "setup/fact_rows")


class DataError(Exception):
    """A data file could not be read or does not fit the data model; the message names the file."""


@dataclass(frozen=True)
class TableFiles:
    csv: tuple[Path | str, ...]  # str: a URL on object storage
    parquet: tuple[Path | str, ...]

    def all(self) -> tuple[Path | str, ...]:
        return self.csv + self.parquet


def table_files(data_dir: Path | str, table: str) -> TableFiles:
    """The files a table is read from, in a stable order (listed by DuckDB when the directory is a URL)."""
    if config.is_url(data_dir):
        found = engine.table_files(connect(), str(data_dir), (table,))
        return TableFiles(*(tuple(f.path for f in found if f.file_format == ext) for ext in ("csv", "parquet")))
    listed = _local_files(Path(data_dir), table, journal.pending(Path(data_dir)))
    return TableFiles(*(tuple(Path(data_dir) / where for _, where, _ in listed[ext]) for ext in FORMATS))


Listed = tuple[str, str, os.stat_result]  # name in the data directory, where the file is now, its stat


def _local_files(data_dir: Path, table: str, pending: journal.Pending) -> dict[str, list[Listed]]:
    """Per format, `<table>.<ext>` then `<table>/*.<ext>` in name order, relative to the data directory, with
    their stat (one directory scan and plain strings: thousands of upload files are listed in milliseconds).
    An interrupted commit or undo's renames count as done (see `journal.pending`)."""
    found: dict[str, list[Listed]] = {ext: [] for ext in FORMATS}
    names = [f"{table}.{ext}" for ext in FORMATS]
    with contextlib.suppress(FileNotFoundError, NotADirectoryError), os.scandir(data_dir / table) as entries:
        names += sorted(f"{table}/{e.name}" for e in entries if not e.name.startswith("."))  # hidden: not yet data
    names += sorted(n for n in set(pending.renamed) - set(names) if n.partition("/")[0] == table and n.count("/") == 1)
    for name in names:
        ext = name.rpartition(".")[2]
        if ext not in found or name in pending.removed:
            continue
        where = pending.renamed.get(name, name)
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            stat = os.stat(f"{data_dir}/{where}")
            if stat_module.S_ISREG(stat.st_mode):
                found[ext].append((name, where, stat))
    for files in found.values():
        files.sort(key=lambda f: (f[0].count("/"), f[0]))
    return found


def data_version(data_dir: Path | str) -> tuple[tuple[str, int, int], ...]:
    """A cheap fingerprint of every table file (name, size, mtime): it changes whenever the data does."""
    if config.is_url(data_dir):
        return tuple(
            (f.relative_path, f.size, f.modified_ns) for f in engine.table_files(connect(), str(data_dir), TABLES)
        )
    pending = journal.pending(Path(data_dir))
    version = []
    for table in TABLES:
        for files in _local_files(Path(data_dir), table, pending).values():
            version.extend((name, stat.st_size, stat.st_mtime_ns) for name, _, stat in files)
    return tuple(version)


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    is_required: bool


@cache
def schema() -> dict[str, tuple[Column, ...]]:
    """Each table's columns, read from the schema file itself so there is one source of truth."""
    con = connect()
    con.execute(sql.load("setup/schema"))
    rows = con.execute(sql.load("schema_columns")).fetchall()
    return {t: tuple(Column(name, type_, req) for table, name, type_, req in rows if table == t) for t in TABLES}


def connect(database: str = ":memory:", read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB that never reads Python variables by name, within the memory limit, set up for the configured
    engine. (In memory, data beyond the limit spills to a private temporary directory.)"""
    settings = {"python_enable_replacements": False, "memory_limit": config.memory_limit()}
    if database == ":memory:":
        settings["temp_directory"] = str(Path(tempfile.gettempdir()) / f"innovisits-spill-{os.getpid()}")
    con = duckdb.connect(database, read_only=read_only, config=settings)
    engine.prepare(con)
    return con


def setup_key() -> str:
    """The setup SQL and DuckDB's version: a snapshot built with others is never reused or brought up to date."""
    setup = [path.read_text(encoding="utf-8") for path in sorted((config.QUERIES_DIR / "setup").glob("*.sql"))]
    return _digest(repr((setup, duckdb.__version__)))


def cache_file(data_dir: Path | str, version: tuple, cache_dir: Path) -> Path:
    """The database file of one version of one data directory (and of the setup, see `setup_key`)."""
    where = str(data_dir) if config.is_url(data_dir) else str(Path(data_dir).resolve())
    return cache_dir / f"{_digest(where)}-{_digest(repr((version, setup_key())))}.duckdb"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _typed(column: Column, present: list[str]) -> duckdb.Expression:
    """The column cast to its schema type, or a typed null when the files lack this optional column."""
    value = duckdb.ColumnExpression(column.name) if column.name in present else duckdb.ConstantExpression(None)
    return value.cast(duckdb.sqltype(column.type)).alias(column.name)


class Store:
    """A loaded snapshot of one data directory, answering the named queries in `queries/`."""

    def __init__(self, data_dir: Path | str, *, in_memory: bool = False) -> None:
        """Open the snapshot of `data_dir`, building it first if needed; `in_memory` builds a private one that
        `insert` can change (an upload's preview)."""
        self.data_dir = config.location(data_dir)
        self.file: Path | None = None
        with lock.reading(self.data_dir):  # an ingest never moves files while we list and read them
            self.version = data_version(self.data_dir)
            if not in_memory:
                self.file = self._open_file(cache_file(self.data_dir, self.version, config.cache_dir()))
            if self.file is None:
                self.con = self._build(":memory:")

    def _build(self, database: str) -> duckdb.DuckDBPyConnection:
        self.con = connect(database)
        self.con.execute(sql.load("setup/schema"))
        for table in TABLES:
            self._load(table)
        for name in DERIVED_SETUP:
            self.con.execute(sql.load(name))
        return self.con

    def _open_file(self, target: Path) -> Path | None:
        """Open the snapshot's database file, writing it first when this version has none (beside its final
        name, then renamed: readers see a whole file or none; one process builds while the others wait for
        it); None when the cache directory is unusable."""
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target.with_suffix(".lock"), "a") as lock:
                fcntl.flock(lock, fcntl.LOCK_EX)
                if not target.exists():
                    self._build_file(target)
            self.con = connect(str(target), read_only=True)
        except (OSError, duckdb.IOException):
            return None
        return target

    def _build_file(self, target: Path) -> None:
        partial = target.with_name(f"{target.stem}.{os.getpid()}.partial")
        try:
            con = self._update(self._previous(target), partial) or self._build(str(partial))
            files = [dict(zip(("name", "size", "modified_ns"), v, strict=True)) for v in self.version]
            con.execute(sql.load("setup/snapshot_files"), {"files": files, "setup_key": setup_key()})
            con.close()
            os.replace(partial, target)
        finally:
            partial.unlink(missing_ok=True)
        for older in target.parent.glob(f"{target.name.split('-')[0]}-*"):
            if older.suffix in (".duckdb", ".lock") and older.stem != target.stem:
                # an older version of this directory (open ones stay readable)
                older.unlink(missing_ok=True)

    @staticmethod
    def _previous(target: Path) -> Path | None:
        """The newest other snapshot file of the same data directory, if any."""
        older = [p for p in target.parent.glob(f"{target.name.split('-')[0]}-*.duckdb") if p != target]
        return max(older, key=lambda p: p.stat().st_mtime_ns, default=None)

    def _update(self, previous: Path | None, partial: Path) -> duckdb.DuckDBPyConnection | None:
        """The previous snapshot brought up to this version, when this version is the previous one plus files of
        `UPLOAD_TABLES` (what an ingest commits): a copy of its file, the new files' rows appended, keys given to
        what they add and the fact rows of the visits they touch rewritten (`UPDATE_SETUP`): 2 s where a full
        build took 199 s, at 10^7 rows on a busy machine. None (build afresh) for any other change."""
        if previous is None or config.is_url(self.data_dir):
            return None
        try:
            shutil.copyfile(previous, partial)
            self.con = connect(str(partial))
            recorded = self.con.table("snapshot_files").fetchall()
        except (OSError, duckdb.Error):
            return self._discard(partial)
        files = {row[:3] for row in recorded}
        added = [name for name, *_ in set(self.version) - files]
        if {row[3] for row in recorded} != {setup_key()} or not files <= set(self.version):
            return self._discard(partial)
        by_table: dict[str, list[str]] = {}
        for name in added:  # `participants.csv` or `participants/batch-….parquet`
            by_table.setdefault(name.partition("/")[0].partition(".")[0], []).append(name)
        if not set(by_table) <= set(UPLOAD_TABLES):
            return self._discard(partial)
        self.con.execute(sql.load("setup/upload_tables"))
        pending = journal.pending(Path(self.data_dir))
        for table, names in by_table.items():
            listed = _local_files(Path(self.data_dir), table, pending)
            paths = [tuple(self.data_dir / where for name, where, _ in listed[ext] if name in names) for ext in FORMATS]
            self._load(table, TableFiles(*paths), into=table if table == "follow_ups" else f"added_{table}")
        if self.con.execute(sql.load("setup/visits_reused")).fetchall()[0][0]:
            return self._discard(partial)  # a visit id stored before: its delegates would count with both visits
        self.con.execute(sql.load("setup/upload_rows"))
        for name in UPDATE_SETUP:
            self.con.execute(sql.load(name))
        return self.con

    def _discard(self, partial: Path) -> None:
        with contextlib.suppress(AttributeError, duckdb.Error):
            self.con.close()
        partial.unlink(missing_ok=True)
        return None

    def _load(self, table: str, files: TableFiles | None = None, into: str | None = None) -> None:
        """Append the rows of the table's files (or of `files`) to the table (or to `into`)."""
        files = files or table_files(self.data_dir, table)
        columns = schema()[table]
        for paths, reader in ((files.csv, self._read_csv), (files.parquet, self._read_parquet)):
            if not paths:
                continue
            try:
                source = reader(list(paths))
                missing = [c.name for c in columns if c.is_required and c.name not in source.columns]
                if missing:
                    raise DataError(f"missing required column(s) {', '.join(missing)}")
                self._append(table, source, into)
            except (duckdb.Error, DataError) as error:
                names = ", ".join(str(p).removeprefix(f"{self.data_dir}/") for p in paths)
                raise DataError(f"Table {table!r} could not be read from {names}: {error}") from error

    def insert(self, table: str, source: duckdb.DuckDBPyRelation) -> None:
        """Add rows matched by column name and cast to the schema, and rebuild the fact tables from them (an
        upload's preview adds its batch to a store of its own to show the numbers after)."""
        self._append(table, source)
        for name in FACTS_SETUP:
            self.con.execute(sql.load(name))

    def _append(self, table: str, source: duckdb.DuckDBPyRelation, into: str | None = None) -> None:
        source.select(*[_typed(c, source.columns) for c in schema()[table]]).insert_into(into or table)

    def _read_csv(self, paths: list[Path]) -> duckdb.DuckDBPyRelation:
        # Every column as text, so codes such as "001" keep their zeros; the schema casts afterwards.
        return self.con.read_csv(
            [str(p) for p in paths], header=True, all_varchar=True, union_by_name=True, encoding="utf-8"
        )

    def _read_parquet(self, paths: list[Path]) -> duckdb.DuckDBPyRelation:
        return self.con.read_parquet([str(p) for p in paths], union_by_name=True)

    def execute(self, name: str, filters: Filters | None = None, **values: Any) -> duckdb.DuckDBPyConnection:
        """Run `queries/<name>.sql` on its own cursor (one per call, so threads never share one)."""
        given = {**(filters or Filters()).params(), **values}
        wanted = sql.parameters(name)
        unknown = wanted - given.keys()
        if unknown:
            raise TypeError(f"query {name!r} needs values for {sorted(unknown)}")
        cursor = self.con.cursor()
        return cursor.execute(sql.load(name), {k: given[k] for k in wanted})

    def records(self, name: str, filters: Filters | None = None, **values: Any) -> list[dict[str, Any]]:
        """The rows of a query as dicts (for the CLI and tests; pages take DataFrames)."""
        result = self.execute(name, filters, **values)
        columns = [d[0] for d in result.description]
        return [dict(zip(columns, row, strict=True)) for row in result.fetchall()]

    def row_counts(self) -> dict[str, int]:
        return {t: self.con.table(t).count("*").fetchall()[0][0] for t in TABLES}
