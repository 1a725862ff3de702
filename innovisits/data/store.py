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
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

import duckdb

from innovisits.data import config, engine, journal, lock, sql
from innovisits.data.filters import Filters

FORMATS = ("csv", "parquet")  # a table's files of each format, read in this order
TABLES = ("cities", "departments", "technologies", "visits", "participants", "visit_technologies", "follow_ups")
# Run after the tables are loaded: the fact tables the filters read (rebuilt when rows are added), then the
# filter macros. All of it is SQL, so the benchmark's bare DuckDB runs exactly the same.
FACTS_SETUP: tuple[str, ...] = ("setup/facts", "setup/fact_keys", "setup/fact_rows")
DERIVED_SETUP: tuple[str, ...] = (*FACTS_SETUP, "setup/filters", "setup/stored_answers")
# An upload adds files to these tables only: a snapshot is brought up to date with its rows (see `_update`).
UPLOAD_TABLES = ("visits", "participants", "visit_technologies", "follow_ups")
UPDATE_SETUP: tuple[str, ...] = ("setup/fact_keys", "setup/facts_touched", "setup/fact_rows", "setup/stored_answers")
# Queries whose unfiltered answer the snapshot stores (`setup/stored_answers`), and the query that reads it: no
# filter macro is planned, which cost a fresh `summary` process more than opening the snapshot did.
STORED_ANSWERS = {"summary": "stored_summary"}
# The counts of the `summary` query (an upload's preview counts the same, unfiltered, with `ingest/overview`:
# the filter macros cost seconds at a million rows), and the four the Overview and the key-numbers slide show.
SUMMARY_KEYS = ("visits", "delegates", "departments", "cities", "categories")
KEY_NUMBERS = SUMMARY_KEYS[:4]


class DataError(Exception):
    """A data file could not be read or does not fit the data model; the message names the file."""


class TableFiles(NamedTuple):
    csv: tuple[Path | str, ...]  # str: a URL on object storage
    parquet: tuple[Path | str, ...]

    def all(self) -> tuple[Path | str, ...]:
        return self.csv + self.parquet


class Listing(NamedTuple):
    """One look at a data directory: every table's files and the version they make (see `data_version`), from
    the same listing, so a store built from the files is exactly that version."""

    version: tuple[tuple[str, int, int], ...]
    files: dict[str, TableFiles]


def listing(data_dir: Path | str, tables: tuple[str, ...] = TABLES) -> Listing:
    """The data directory's table files in the store's reading order, and their version (on a bucket from one
    request, however many tables). Other `tables` than the store's: files the ingest reads too (aliases)."""
    if config.is_url(data_dir):
        found = _bucket_files(str(data_dir), tables)
        files = {
            table: TableFiles(
                *(tuple(f.path for f in found if f.table_name == table and f.file_format == ext) for ext in FORMATS)
            )
            for table in tables
        }
        return Listing(tuple((f.relative_path, f.size, f.modified_ns) for f in found), files)
    pending = journal.pending(Path(data_dir))
    version, files = [], {}
    for table in tables:
        listed = _local_files(Path(data_dir), table, pending)
        files[table] = TableFiles(*(tuple(Path(data_dir) / where for _, where, _ in listed[ext]) for ext in FORMATS))
        version.extend((name, stat.st_size, stat.st_mtime_ns) for ext in FORMATS for name, _, stat in listed[ext])
    return Listing(tuple(version), files)


def table_files(data_dir: Path | str, table: str) -> TableFiles:
    """The files a table is read from, in a stable order."""
    return listing(data_dir, (table,)).files[table]


def _bucket_files(url: str, tables: tuple[str, ...]) -> list[engine.DataFile]:
    """The files of these tables in a bucket as published: one listing, which also gives the manifest's
    version, then that version of the manifest (fetched only when it changed). Batch objects it does not name
    as active are left out (an upload still writing them, or a withdrawn batch not yet deleted): the batches
    it names were whole before it was written, so a reader sees each batch whole or not at all."""
    from innovisits.data import audit, bucket  # object storage only: a reader of local files goes without

    for _attempt in range(5):
        listing = bucket.list_files(url)
        try:
            read = bucket.published(url, listing)
        except bucket.Conflict:  # an upload or undo published between the listing and the read: list again
            continue
        active = {path for b in audit.batches_of(audit.parse(read.text)) if b.is_active for path in b.paths}
        hidden = {f.relative_path for f in listing if bucket.is_batch_object(f.relative_path)} - active
        return engine.table_files(_listing_connection().cursor(), url, tables, listing, frozenset(hidden))
    raise DataError(f"{url} kept changing while it was listed; try again")


@cache
def _listing_connection() -> duckdb.DuckDBPyConnection:
    """One connection for selecting table files from listings: it reads no file (the listing is bound as a
    value), and opening a connection a call would cost more than the listing itself."""
    return duckdb.connect(config={"python_enable_replacements": False})


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
    return listing(data_dir).version


class Column(NamedTuple):
    name: str
    type: str
    is_required: bool


_SCHEMA: dict[str, tuple[Column, ...]] = {}  # schema(), once a process


def schema(con: duckdb.DuckDBPyConnection | None = None) -> dict[str, tuple[Column, ...]]:
    """Each table's columns, read from the schema file itself so there is one source of truth. Worked out once
    a process: in a database of its own, or in `con` (a new connection, before it holds anything) in a
    transaction rolled back, which leaves nothing behind and spares the process a second database (0.02 s)."""
    if not _SCHEMA:
        con = con or connect()
        con.begin()
        try:
            con.execute(sql.load("setup/schema"))
            rows = con.execute(sql.load("schema_columns")).fetchall()
        finally:
            con.rollback()
        _SCHEMA.update(
            {t: tuple(Column(name, type_, req) for table, name, type_, req in rows if table == t) for t in TABLES}
        )
    return _SCHEMA


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
    """The setup SQL, DuckDB's version and the accepted dates: a snapshot built with others is never reused or
    brought up to date."""
    setup = [path.read_text(encoding="utf-8") for path in sorted((config.QUERIES_DIR / "setup").glob("*.sql"))]
    return _digest(repr((setup, duckdb.__version__, config.date_range())))


def cache_file(data_dir: Path | str, version: tuple, cache_dir: Path) -> Path:
    """The database file of one version of one data directory (and of the setup, see `setup_key`)."""
    where = str(data_dir) if config.is_url(data_dir) else str(Path(data_dir).resolve())
    return cache_dir / f"{_digest(where)}-{_digest(repr((version, setup_key())))}.duckdb"


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@cache
def sql_type(name: str) -> duckdb.sqltypes.DuckDBPyType:
    """A DuckDB type by name, parsed once (a parse costs a quarter of a millisecond; a snapshot casts dozens)."""
    return duckdb.sqltype(name)


def typed_column(column: Column, present: list[str]) -> duckdb.Expression:
    """The column cast to its schema type, or a typed null when the files lack this optional column."""
    value = duckdb.ColumnExpression(column.name) if column.name in present else duckdb.ConstantExpression(None)
    return value.cast(sql_type(column.type)).alias(column.name)


def empty_table(con: duckdb.DuckDBPyConnection, table: str) -> duckdb.DuckDBPyRelation:
    """No rows, with the table's typed columns."""
    typed_nulls = con.values([0]).select(*[typed_column(c, []) for c in schema()[table]])
    return typed_nulls.filter(duckdb.ConstantExpression(False))


Reader = Callable[[list[str]], duckdb.DuckDBPyRelation]
_KIND_WORDS = {".csv": "CSV", ".parquet": "Parquet"}
_TYPE_WORDS = {"DATE": "a date (2019-03-14)", "INTEGER": "a whole number", "DOUBLE": "a number"}


def readers(con: duckdb.DuckDBPyConnection, *, filename: bool = False) -> dict[str, Reader]:
    """How each format is read: CSV with every column as text (so codes such as "001" keep their zeros; the
    schema casts afterwards), Parquet as typed; several files matched by column name (with `filename`, each
    row also names its file)."""
    csv = {"header": True, "all_varchar": True, "union_by_name": True, "encoding": "utf-8", "filename": filename}
    return {
        "csv": lambda paths: con.read_csv(paths, **csv),
        "parquet": lambda paths: con.read_parquet(paths, union_by_name=True, filename=filename),
    }


class Part(NamedTuple):
    """Some of a table's files (all its CSV files, or all its Parquet files), read as one typed relation."""

    paths: tuple[str, ...]
    reader: Reader
    relation: duckdb.DuckDBPyRelation


def read_table(
    con: duckdb.DuckDBPyConnection, data_dir: Path | str, table: str, files: TableFiles | None = None
) -> list[Part]:
    """The one loader of stored data: a table's CSV and Parquet files, each matched to the schema by column
    name and cast to its types. The store copies these relations into its snapshot; an ingest reads them in
    place as views. A file that cannot be read is named, with the column at fault (`explain`). `files`: from
    the caller's `listing` (listed now when not given)."""
    files = files or table_files(data_dir, table)
    columns = schema()[table]
    parts = []
    for paths, reader in ((files.csv, readers(con)["csv"]), (files.parquet, readers(con)["parquet"])):
        if not paths:
            continue
        names = tuple(str(p) for p in paths)
        try:
            source = reader(list(names))
            if any(c.is_required and c.name not in source.columns for c in columns):
                raise DataError("a required column is missing")
        except (duckdb.Error, DataError) as error:
            raise DataError(explain(data_dir, table, names, reader)) from error
        parts.append(Part(names, reader, source.select(*[typed_column(c, source.columns) for c in columns])))
    return parts


def shown_name(data_dir: Path | str, path: Path | str) -> str:
    """A file as a page may show it: relative to the data directory (never the server's own path)."""
    return str(path).removeprefix(f"{data_dir}/")


def _instead(wanted: str, present: list[str]) -> str:
    """The header that looks like a misspelling of `wanted` (visit_idd for visit_id), or the headers there are."""
    import difflib  # here: only a file with a misspelt header needs it

    close = difflib.get_close_matches(wanted, present, n=1, cutoff=0.6)
    if close:
        return f" (it has {close[0]!r}: check the header's spelling)"
    return f" (its columns: {', '.join(present[:12])})"


def explain(data_dir: Path | str, table: str, paths: tuple[str, ...], reader: Reader) -> str:
    """Which file and column broke a table's load, in words: no DuckDB text (SQL, server paths)."""
    for path in paths:
        name = shown_name(data_dir, path)
        try:
            source = reader([path])
            source.aggregate("count(*)").fetchall()
        except duckdb.Error:
            return f"{name} is not a readable {_KIND_WORDS[Path(str(path)).suffix]} file"
        for column in schema()[table]:
            if column.name not in source.columns:
                if column.is_required:
                    return f"{name} has no column {column.name!r}{_instead(column.name, source.columns)}"
                continue
            value = duckdb.ColumnExpression(column.name)
            try:
                typed = source.select(value.cast(duckdb.sqltype(column.type)).alias("v"))
                typed.aggregate([duckdb.FunctionExpression("min", duckdb.ColumnExpression("v"))]).fetchall()
            except duckdb.Error as error:
                detail = str(error).splitlines()[0].split(": ", 1)[-1][:160]
                word = _TYPE_WORDS.get(column.type, column.type)
                return f"{name}, column {column.name!r}: a value is not {word} ({detail})"
            if column.is_required and source.filter(value.isnull()).limit(1).fetchall():
                return f"{name}, column {column.name!r}: a row has no value (one is required)"
    return f"table {table!r} could not be read from {', '.join(shown_name(data_dir, p) for p in paths)}"


def _holds(source: duckdb.DuckDBPyRelation, column: str, value: object) -> bool:
    """Whether a file's column holds the (typed) value."""
    if column not in source.columns:
        return False
    typed = duckdb.ColumnExpression(column).cast(duckdb.sqltype("DATE"))
    return bool(source.filter(typed == duckdb.ConstantExpression(value)).limit(1).fetchall())


class Store:
    """A loaded snapshot of one data directory, answering the named queries in `queries/`."""

    def __init__(self, data_dir: Path | str, *, in_memory: bool = False) -> None:
        """Open the snapshot of `data_dir`, building it first if needed; `in_memory` builds a private one that
        `insert` can change (an upload's preview)."""
        self.data_dir = config.location(data_dir)
        self.file: Path | None = None
        with lock.reading(self.data_dir):  # an ingest never moves files while we list and read them
            self.listing = listing(self.data_dir)
            self.version = self.listing.version
            if not in_memory:
                self.file = self._open_file(cache_file(self.data_dir, self.version, config.cache_dir()))
            if self.file is None:
                self.con = self._build(":memory:")

    def _build(self, database: str) -> duckdb.DuckDBPyConnection:
        self.con = connect(database)
        self.con.execute(sql.load("setup/schema"))
        for table in TABLES:
            self._load(table)
        self._check_dates()
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
        for part in read_table(self.con, self.data_dir, table, files or self.listing.files[table]):
            try:
                part.relation.insert_into(into or table)
            except duckdb.Error as error:  # a value that does not cast to its column's type
                raise DataError(explain(self.data_dir, table, part.paths, part.reader)) from error

    def _check_dates(self) -> None:
        """Refuse dates outside config.date_range(), naming the file (they would stretch every period chart)."""
        first, last = config.date_range()
        for table, column, n_found, found in self.execute(
            "store_dates_out_of_range", first=first, last=last
        ).fetchall():
            where = next(
                (
                    shown_name(self.data_dir, path)
                    for part in read_table(self.con, self.data_dir, table, self.listing.files[table])
                    for path in part.paths
                    if _holds(part.reader([path]), column, found)
                ),
                table,
            )
            raise DataError(
                f"{where}, column {column!r}: the date {found} is outside the accepted range {first} to {last} "
                f"({n_found:,} row(s)): correct the file, or set INNOVISITS_DATE_RANGE"
            )

    def execute(self, name: str, filters: Filters | None = None, **values: Any) -> duckdb.DuckDBPyConnection:
        """Run `queries/<name>.sql` on its own cursor (one per call, so threads never share one); unfiltered, a
        stored answer (`STORED_ANSWERS`) where the snapshot has one."""
        filters = filters or Filters()
        if filters.is_empty() and not values and name in STORED_ANSWERS:
            name = STORED_ANSWERS[name]
        return sql.run(self.con.cursor(), name, {**filters.params(), **values})

    def records(self, name: str, filters: Filters | None = None, **values: Any) -> list[dict[str, Any]]:
        """The rows of a query as dicts (for the CLI and tests; pages take DataFrames)."""
        return sql.records(self.execute(name, filters, **values))

    def row_counts(self) -> dict[str, int]:
        return {t: self.con.table(t).count("*").fetchall()[0][0] for t in TABLES}
