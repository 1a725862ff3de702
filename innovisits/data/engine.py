"""Which engine runs the store's DuckDB, chosen by configuration so a deployment changes settings, not code.

`INNOVISITS_ENGINE` is
- `local` (the default): the data directory is on this machine; no extension, nothing else changes;
- `httpfs`: the data directory may be on object storage (`INNOVISITS_DATA_DIR=s3://bucket/prefix`), listed and
  read by DuckDB's httpfs extension, credentials from the usual AWS chain (`queries/setup/httpfs.sql`);
- `motherduck`: every connection attaches MotherDuck (`md:`), authenticated by `MOTHERDUCK_TOKEN`.

The core reads only the environment. Streamlit copies every top-level key of `secrets.toml` into the
environment when the server starts, so `INNOVISITS_ENGINE = "httpfs"` there works as well.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import NamedTuple

import duckdb

from innovisits.data import sql
from innovisits.data.config import ConfigError, is_url

ENGINES = ("local", "httpfs", "motherduck")  # each but local runs queries/setup/<name>.sql on every connection


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
    return name


def prepare(con: duckdb.DuckDBPyConnection) -> None:
    """Run the configured engine's setup on a new connection (nothing for local files)."""
    name = configured()
    if name == "local":
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


def table_files(con: duckdb.DuckDBPyConnection, directory: str, tables: tuple[str, ...]) -> list[DataFile]:
    """Every file of these tables under `directory`, in the store's reading order. DuckDB lists them, so this
    works the same on local disk and on object storage (one listing, not one request a table)."""
    found = con.execute(sql.load("data_files"), {"directory": directory.rstrip("/"), "tables": list(tables)})
    return [DataFile(*row) for row in found.fetchall()]
