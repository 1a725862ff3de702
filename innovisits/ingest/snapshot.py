"""The data directory as an ingest sees it: each table a view over its files (nothing is loaded into
memory) plus a table `new_<table>` of the upload's rows, empty until the preview adds them. Queries over
the tables (the Overview's numbers) run on it before and after the upload's rows are added."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import duckdb

from innovisits.data import sql
from innovisits.data.filters import Filters
from innovisits.data.store import TABLES, DataError, Store, connect, data_version, empty_table, read_table


class Snapshot:
    """Views over one data directory's files; read it while holding the directory lock shared."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.con = connect()
        self.version = data_version(self.data_dir)
        for table in TABLES:
            empty_table(self.con, table).create(f"new_{table}")
            self.con.register(table, self._stored(table).union(self.con.table(f"new_{table}")))

    def _stored(self, table: str) -> duckdb.DuckDBPyRelation:
        """The table's files, cast to the schema (as `Store` loads them)."""
        parts = [part.relation for part in read_table(self.con, self.data_dir, table)]
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
