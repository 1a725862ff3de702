"""The data directory as an ingest sees it: each table a view over its files (nothing is loaded into
memory; on a bucket, where every read is a request, the files are read once into tables) plus a table
`new_<table>` of the upload's rows, empty until the preview adds them. Queries over the tables (the
Overview's numbers) run on it before and after the upload's rows are added."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import duckdb

from innovisits.data import sql
from innovisits.data.config import is_url, location
from innovisits.data.filters import Filters
from innovisits.data.store import TABLES, DataError, Store, connect, empty_table, listing, read_table


class Snapshot:
    """Views over one data directory's files; read it while holding the directory lock shared."""

    def __init__(self, data_dir: Path | str) -> None:
        self.data_dir = location(data_dir)
        self.con = connect()
        self.listing = listing(self.data_dir)
        self.version = self.listing.version
        for table in TABLES:
            empty_table(self.con, table).create(f"new_{table}")
            stored = self._stored(table)
            if is_url(self.data_dir):  # objects are read once, not again by every query of the preview
                stored.create(f"stored_{table}")
                stored = self.con.table(f"stored_{table}")
            self.con.register(table, stored.union(self.con.table(f"new_{table}")))

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
