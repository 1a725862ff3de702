"""The store: every table of the data directory loaded by DuckDB into one in-memory database.

Each table is read from all of `<dir>/<table>.csv`, `<dir>/<table>.parquet`, `<dir>/<table>/*.csv` and
`<dir>/<table>/*.parquet` that exist, matched to the typed schema in `queries/setup/schema.sql` by column
name. A store is a snapshot: it is built once for a data version (see `data_version`) and never changes,
so readers never see half an upload; a new version means a new store.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import duckdb

from innovisits import sql
from innovisits.filters import Filters
from innovisits.ingest import locking

TABLES = ("cities", "departments", "technologies", "visits", "participants", "visit_technologies", "follow_ups")
# The setup SQL run once the tables are loaded (macros, derived tables); the benchmark's bare DuckDB runs it too.
DERIVED_SETUP: tuple[str, ...] = ("setup/filters",)


class DataError(Exception):
    """A data file could not be read or does not fit the data model; the message names the file."""


@dataclass(frozen=True)
class TableFiles:
    csv: tuple[Path, ...]
    parquet: tuple[Path, ...]

    def all(self) -> tuple[Path, ...]:
        return self.csv + self.parquet


def table_files(data_dir: Path, table: str) -> TableFiles:
    """The files a table is read from, in a stable order."""
    files: dict[str, list[Path]] = {"csv": [], "parquet": []}
    for ext in files:
        single = data_dir / f"{table}.{ext}"
        if single.is_file():
            files[ext].append(single)
        folder = data_dir / table
        if folder.is_dir():
            files[ext].extend(sorted(p for p in folder.glob(f"*.{ext}") if p.is_file()))
    return TableFiles(tuple(files["csv"]), tuple(files["parquet"]))


def data_version(data_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """A cheap fingerprint of every table file (name, size, mtime): it changes whenever the data does."""
    version = []
    for table in TABLES:
        for path in table_files(data_dir, table).all():
            stat = path.stat()
            version.append((str(path.relative_to(data_dir)), stat.st_size, stat.st_mtime_ns))
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


def connect() -> duckdb.DuckDBPyConnection:
    """A fresh in-memory DuckDB that never reads Python variables by name."""
    return duckdb.connect(config={"python_enable_replacements": False})


def _typed(column: Column, present: list[str]) -> duckdb.Expression:
    """The column cast to its schema type, or a typed null when the files lack this optional column."""
    value = duckdb.ColumnExpression(column.name) if column.name in present else duckdb.ConstantExpression(None)
    return value.cast(duckdb.sqltype(column.type)).alias(column.name)


class Store:
    """A loaded snapshot of one data directory, answering the named queries in `queries/`."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.con = connect()
        self.con.execute(sql.load("setup/schema"))
        with locking.reading(self.data_dir):  # an ingest never moves files while we list and read them
            self.version = data_version(self.data_dir)
            for table in TABLES:
                self._load(table)
        for name in DERIVED_SETUP:
            self.con.execute(sql.load(name))

    def _load(self, table: str) -> None:
        files = table_files(self.data_dir, table)
        columns = schema()[table]
        for paths, reader in ((files.csv, self._read_csv), (files.parquet, self._read_parquet)):
            if not paths:
                continue
            try:
                source = reader(list(paths))
                missing = [c.name for c in columns if c.is_required and c.name not in source.columns]
                if missing:
                    raise DataError(f"missing required column(s) {', '.join(missing)}")
                self.insert(table, source)
            except (duckdb.Error, DataError) as error:
                names = ", ".join(str(p.relative_to(self.data_dir)) for p in paths)
                raise DataError(f"Table {table!r} could not be read from {names}: {error}") from error

    def insert(self, table: str, source: duckdb.DuckDBPyRelation) -> None:
        """Append rows matched by column name and cast to the schema (an upload's preview adds its batch)."""
        source.select(*[_typed(c, source.columns) for c in schema()[table]]).insert_into(table)

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
