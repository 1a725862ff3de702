"""Which engine runs the store's DuckDB, chosen by configuration so a deployment changes settings, not code.

`INNOVISITS_ENGINE` is
- `local` (the default): the data directory is on this machine; no extension, nothing else changes;
- `httpfs`: the data directory may be on object storage (`INNOVISITS_DATA_DIR=s3://bucket/prefix`), listed and
  read through an S3 filesystem registered on every connection, set by the standard AWS variables
  (`innovisits.data.bucket` says why this and not DuckDB's own httpfs extension);
- `motherduck`: every connection attaches MotherDuck (`md:`), authenticated by `MOTHERDUCK_TOKEN`.

The core reads only the environment. Streamlit copies every top-level key of `secrets.toml` into the
environment when the server starts, so `INNOVISITS_ENGINE = "httpfs"` there works as well.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

import duckdb

from innovisits.data import sql
from innovisits.data.config import ConfigError, is_url

if TYPE_CHECKING:
    from innovisits.data import bucket

ENGINES = ("local", "httpfs", "motherduck")  # motherduck runs queries/setup/motherduck.sql on every connection


def configured(env: Mapping[str, str] = os.environ) -> str:
    """The configured engine. A wrong name, a missing MotherDuck token or a URL the engine cannot read fails
    here, when the first connection opens, with a message that says which setting to fix."""
    name = env.get("INNOVISITS_ENGINE", "").strip().lower() or "local"
    if name not in ENGINES:
        raise ConfigError(f"INNOVISITS_ENGINE must be one of {', '.join(ENGINES)}, not {name!r}")
    if name == "motherduck" and not (env.get("MOTHERDUCK_TOKEN") or env.get("motherduck_token") or "").strip():
        raise ConfigError("INNOVISITS_ENGINE=motherduck needs MOTHERDUCK_TOKEN (environment or secrets.toml)")
    data_dir = env.get("INNOVISITS_DATA_DIR", "")
    if name == "local" and is_url(data_dir):
        raise ConfigError(
            f"INNOVISITS_DATA_DIR is a URL ({data_dir}) but INNOVISITS_ENGINE is local: "
            "set INNOVISITS_ENGINE=httpfs to read object storage"
        )
    if name == "httpfs" and is_url(data_dir):
        from innovisits.data import bucket  # object storage only: local files go without (a CLI starts sooner)

        bucket.check(data_dir.strip())
    return name


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    """Run the configured engine's setup on a new connection (nothing for local files)."""
    name = configured()
    if name == "local":
        return
    if name == "httpfs":
        from innovisits.data import bucket

        if not con.filesystem_is_registered("s3"):  # connections to one database file share its filesystems
            con.register_filesystem(bucket.filesystem())
        return
    try:
        con.execute(sql.load(f"setup/{name}"))
    except duckdb.Error as error:
        reason = str(error).splitlines()[0]
        raise ConfigError(
            f"INNOVISITS_ENGINE={name}: DuckDB's {name} extension could not be set up ({reason}). Install the "
            f"{name} extension on this machine: its first start needs access to extensions.duckdb.org, or copy "
            "the extension files into ~/.duckdb/extensions/ (see the README's deployment section)"
        ) from error


class DataFile(NamedTuple):
    table_name: str
    file_format: str  # csv or parquet
    path: str
    relative_path: str
    size: int
    modified_ns: int


def table_files(
    con: duckdb.DuckDBPyConnection,
    directory: str,
    tables: tuple[str, ...],
    listing: list[bucket.Listed],
    hidden: frozenset[str] = frozenset(),
) -> list[DataFile]:
    """Every file of these tables in one listing of `directory`'s objects (not one request a table), in the
    store's reading order, leaving out the `hidden` ones (unpublished or withdrawn batches)."""
    if not listing:
        return []
    values = {
        "directory": directory.rstrip("/"),
        "tables": list(tables),
        "listing": [f._asdict() for f in listing],
        "hidden": sorted(hidden),
    }
    return [DataFile(*row) for row in con.execute(sql.load("data_files"), values).fetchall()]
