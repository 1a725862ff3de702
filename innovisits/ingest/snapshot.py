"""The data directory as an ingest sees it: each table a view over its files (nothing is loaded into
memory; on a bucket, where every read is a request, the files are read once into tables) plus a table
`new_<table>` of the upload's rows, empty until the preview adds them. Queries over the tables (the
Overview's numbers) run on it before and after the upload's rows are added."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from innovisits.data import sql
from innovisits.data.config import is_url, location
from innovisits.data.filters import Filters
from innovisits.data.store import TABLES, Column, DataError, connect, listing, schema


def _typed(column: Column, present: list[str]) -> duckdb.Expression:
    value = duckdb.ColumnExpression(column.name) if column.name in present else duckdb.ConstantExpression(None)
    return value.cast(duckdb.sqltype(column.type)).alias(column.name)


class Snapshot:
    """Views over one data directory's files; read it while holding the directory lock shared."""

    def __init__(self, data_dir: Path | str) -> None:
        self.data_dir = location(data_dir)
        self.con = connect()
        self.listing = listing(self.data_dir)
        self.version = self.listing.version
        for table in TABLES:
            self._nothing(table).create(f"new_{table}")
            stored = self._stored(table)
            if is_url(self.data_dir):  # objects are read once, not again by every query of the preview
                stored.create(f"stored_{table}")
                stored = self.con.table(f"stored_{table}")
            self.con.register(table, stored.union(self.con.table(f"new_{table}")))

    def _stored(self, table: str) -> duckdb.DuckDBPyRelation:
        """The table's files, cast to the schema (as `Store` loads them)."""
        files = self.listing.files[table]
        columns = schema()[table]
        parts = []
        for paths, reader in ((files.csv, self._read_csv), (files.parquet, self._read_parquet)):
            if not paths:
                continue
            try:
                source = reader([str(p) for p in paths])
                missing = [c.name for c in columns if c.is_required and c.name not in source.columns]
                if missing:
                    raise DataError(f"missing required column(s) {', '.join(missing)}")
            except (duckdb.Error, DataError) as error:
                names = ", ".join(str(p).removeprefix(f"{self.data_dir}/") for p in paths)
                raise DataError(f"Table {table!r} could not be read from {names}: {error}") from error
            parts.append(source.select(*[_typed(c, source.columns) for c in columns]))
        if not parts:
            return self._nothing(table)
        return parts[0] if len(parts) == 1 else parts[0].union(parts[1])

    def _nothing(self, table: str) -> duckdb.DuckDBPyRelation:
        """No rows, with the table's typed columns."""
        typed_nulls = self.con.values([0]).select(*[_typed(c, []) for c in schema()[table]])
        return typed_nulls.filter(duckdb.ConstantExpression(False))

    def _read_csv(self, paths: list[str]) -> duckdb.DuckDBPyRelation:
        return self.con.read_csv(paths, header=True, all_varchar=True, union_by_name=True, encoding="utf-8")

    def _read_parquet(self, paths: list[str]) -> duckdb.DuckDBPyRelation:
        return self.con.read_parquet(paths, union_by_name=True)

    def records(self, name: str, **values: Any) -> list[dict[str, Any]]:
        """The rows of a named query over the stored data and the rows added so far, unfiltered."""
        given = {**Filters().params(), **values}
        try:
            result = self.con.execute(sql.load(name), {k: given[k] for k in sql.parameters(name)})
            columns = [d[0] for d in result.description]
            return [dict(zip(columns, row, strict=True)) for row in result.fetchall()]
        except duckdb.Error as error:
            raise DataError(f"The stored data could not be read: {error}") from error
