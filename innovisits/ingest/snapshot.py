"""The data directory as an ingest sees it: each table a view over its files (nothing is loaded into
memory; on a bucket, where every read is a request, the files are read once into tables) plus, once an
upload fills the table (`stage`), a table `new_<table>` of the upload's rows and for a keyed table
`fixed_<table>`, the corrected rows that replace stored rows of the same key. Queries over the tables (the
Overview's numbers) run on it before and after the upload's rows are added. (Staging tables for every table
cost a fresh ingest process a tenth of a second: most uploads fill one or two.)

`aliases` (kind, alias, canonical, `_source`) holds the abbreviations people write: the bundled
`data/aliases.csv`, then the data directory's own `aliases.csv` and `aliases/*` files (staff add them as
batches), then `new_aliases`; a higher `_source` wins for the same alias."""

from __future__ import annotations

import functools
import operator
from pathlib import Path
from typing import Any

import duckdb

from innovisits.data import sql
from innovisits.data.config import ALIASES_FILE, is_url, location
from innovisits.data.filters import Filters
from innovisits.data.store import (
    TABLES,
    DataError,
    Store,
    connect,
    empty_table,
    listing,
    read_table,
    readers,
    schema,
    table_files,
    typed_column,
)
from innovisits.ingest.rules import key_of

ALIAS_COLUMNS = ("kind", "alias", "canonical")


class Snapshot:
    """Views over one data directory's files; read it while holding the directory lock shared."""

    def __init__(self, data_dir: Path | str) -> None:
        self.data_dir = location(data_dir)
        self.con = connect()
        schema(self.con)  # first, while the connection holds nothing
        self.listing = listing(self.data_dir)
        self.version = self.listing.version
        self.staged: set[str] = set()  # the tables that have `new_<table>` (and `fixed_<table>`)
        self.stored: dict[str, duckdb.DuckDBPyRelation] = {}
        for table in TABLES:
            stored = self._stored(table)
            if is_url(self.data_dir):  # objects are read once, not again by every query of the preview
                stored.create(f"stored_{table}")
                stored = self.con.table(f"stored_{table}")
            self.stored[table] = stored
            self.con.register(table, stored)
        self._nothing_aliases().create("new_aliases")
        self.con.register("aliases", self._aliases().union(self.con.table("new_aliases")))

    def _nothing_aliases(self) -> duckdb.DuckDBPyRelation:
        text = duckdb.sqltype("VARCHAR")
        empty = self.con.values([0]).select(
            *[duckdb.ConstantExpression(None).cast(text).alias(c) for c in ALIAS_COLUMNS],
            duckdb.ConstantExpression(len(self._alias_files()) + 1).alias("_source"),
        )
        return empty.filter(duckdb.ConstantExpression(False))

    def _alias_files(self) -> list[Path]:
        """The bundled aliases (unless the data directory is the bundled sample), then the directory's own."""
        files = [Path(p) for p in table_files(self.data_dir, "aliases").all()]
        own = {f.resolve() for f in files}
        return ([ALIASES_FILE] if ALIASES_FILE.is_file() and ALIASES_FILE.resolve() not in own else []) + files

    def _aliases(self) -> duckdb.DuckDBPyRelation:
        """Every alias file's rows, each with its place in the order (later files win)."""
        text = duckdb.sqltype("VARCHAR")
        found = self._nothing_aliases()
        for number, path in enumerate(self._alias_files()):
            rows = readers(self.con)[path.suffix.lstrip(".")]([str(path)])
            found = found.union(
                rows.select(
                    *[duckdb.ColumnExpression(c).cast(text).alias(c) for c in ALIAS_COLUMNS],
                    duckdb.ConstantExpression(number).alias("_source"),
                )
            )
        return found

    def stage(self, table: str, rows: duckdb.DuckDBPyRelation | None = None) -> None:
        """Make `new_<table>` (and `fixed_<table>` for a keyed table) and have `table` show their rows:
        empty tables, or with `rows` (typed as the table, over tables only: a view reads them when asked) a
        view of those rows (no copy of a million rows), once, before any other rows are added."""
        if table in self.staged:
            if rows is not None:
                raise ValueError(f"{table} already has rows to add")
            return
        if rows is None:
            empty_table(self.con, table).create(f"new_{table}")
        else:
            rows.create_view(f"new_{table}", replace=False)
        if key_of(table):
            empty_table(self.con, table).create(f"fixed_{table}")
        self.staged.add(table)
        self.con.unregister(table)
        self.con.register(table, self.stored[table].union(self.con.table(f"new_{table}")))

    def new(self, table: str) -> duckdb.DuckDBPyRelation | None:
        """The upload's rows for `table` (`new_<table>`), None when it has none staged."""
        return self.con.table(f"new_{table}") if table in self.staged or table == "aliases" else None

    def add(self, table: str, rows: duckdb.DuckDBPyRelation) -> None:
        """Rows to add to `table` (or to `aliases`), matched by column name."""
        if table == "aliases":
            text = duckdb.sqltype("VARCHAR")
            typed = [duckdb.ColumnExpression(c).cast(text).alias(c) for c in ALIAS_COLUMNS]
            rows.select(*typed, duckdb.ConstantExpression(len(self._alias_files())).alias("_source")).insert_into(
                "new_aliases"
            )
            return
        self.stage(table)
        rows.select(*[typed_column(c, rows.columns) for c in schema()[table]]).insert_into(f"new_{table}")

    def correct(self, table: str, rows: duckdb.DuckDBPyRelation) -> None:
        """Replace the stored rows of these rows' keys with them: `table` shows the corrected data."""
        self.stage(table)
        rows.select(*[typed_column(c, rows.columns) for c in schema()[table]]).insert_into(f"fixed_{table}")
        fixed = self.con.table(f"fixed_{table}")
        kept = join_keys(self.stored[table], fixed, key_of(table), "anti")
        self.con.unregister(table)
        self.con.register(table, kept.union(fixed).union(self.con.table(f"new_{table}")))

    def corrected(self, table: str) -> int:
        if table not in self.staged or not key_of(table):
            return 0
        return self.con.table(f"fixed_{table}").count("*").fetchall()[0][0]

    def files_holding(self, table: str, keyed: duckdb.DuckDBPyRelation) -> list[Path]:
        """The stored files of `table` holding a row with one of `keyed`'s keys."""
        files = self.listing.files[table]
        types = {c.name: duckdb.sqltype(c.type) for c in schema()[table]}
        found: set[str] = set()
        named = readers(self.con, filename=True)
        for paths, reader in ((files.csv, named["csv"]), (files.parquet, named["parquet"])):
            if paths:
                source = reader([str(p) for p in paths])
                typed = source.select(
                    duckdb.ColumnExpression("filename"),
                    *[duckdb.ColumnExpression(k).cast(types[k]).alias(k) for k in key_of(table)],
                )
                holding = join_keys(typed, keyed, key_of(table), "semi").select("filename").distinct()
                found.update(name for (name,) in holding.fetchall())
        return [Path(name) for name in sorted(found)]

    def file_rows(self, path: Path) -> duckdb.DuckDBPyRelation:
        """One stored file's rows, typed as the table's (a correction rewrites the files it changes)."""
        table = path.parent.name if path.parent != self.data_dir else path.name.partition(".")[0]
        source = readers(self.con)[path.suffix.lstrip(".")]([str(path)])
        return source.select(*[typed_column(c, source.columns) for c in schema()[table]])

    def _stored(self, table: str) -> duckdb.DuckDBPyRelation:
        """The table's files, cast to the schema (as `Store` loads them)."""
        files = self.listing.files[table]
        parts = [part.relation for part in read_table(self.con, self.data_dir, table, files)]
        return functools.reduce(duckdb.DuckDBPyRelation.union, parts) if parts else empty_table(self.con, table)

    def records(self, name: str, **values: Any) -> list[dict[str, Any]]:
        """The rows of a named query over the stored data and the rows added so far, unfiltered."""
        try:
            return sql.records(sql.run(self.con, name, {**Filters().params(), **values}))
        except duckdb.Error as error:
            raise self._explained(error) from error

    def _explained(self, error: Exception) -> DataError:
        """The store's own words for a stored file that cannot be read (file and column, no SQL); loading
        the store finds it. DuckDB's text only when the store reads fine (then the fault is not a file's)."""
        try:
            Store(self.data_dir, in_memory=True)
        except DataError as found:
            return found
        return DataError(f"The stored data could not be read: {str(error).splitlines()[0]}")


def join_keys(
    rows: duckdb.DuckDBPyRelation, keyed: duckdb.DuckDBPyRelation, key: tuple[str, ...], how: str
) -> duckdb.DuckDBPyRelation:
    """`rows` whose key (the `key` columns) is among `keyed`'s (`how="semi"`), or is not (`"anti"`)."""
    keys = keyed.select(*[duckdb.ColumnExpression(k).alias(f"_k_{k}") for k in key]).distinct()
    condition = functools.reduce(
        operator.and_, [duckdb.ColumnExpression(k) == duckdb.ColumnExpression(f"_k_{k}") for k in key]
    )
    return rows.join(keys, condition, how=how)
