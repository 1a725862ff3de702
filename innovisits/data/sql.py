"""SQL lives in `queries/*.sql`; this module finds it by name and says which parameters it binds."""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import duckdb

from innovisits.data.config import QUERIES_DIR

_PARAMETER = re.compile(r"\$([a-z_][a-z0-9_]*)")
_NAME = re.compile(r"[a-z0-9_]+(/[a-z0-9_]+)?")


@cache
def load(name: str) -> str:
    """The text of `queries/<name>.sql`; names are plain identifiers so no path can escape the folder."""
    if not _NAME.fullmatch(name):
        raise ValueError(f"not a query name: {name!r}")
    return (QUERIES_DIR / f"{name}.sql").read_text(encoding="utf-8")


@cache
def parameters(name: str) -> frozenset[str]:
    """Names of the `$parameters` a query binds (DuckDB refuses values for parameters a query lacks)."""
    text = "\n".join(line.split("--", 1)[0] for line in load(name).splitlines())
    return frozenset(_PARAMETER.findall(text))


def run(con: duckdb.DuckDBPyConnection, name: str, values: dict[str, Any]) -> duckdb.DuckDBPyConnection:
    """Run a named query with the values it binds, taken from `values` (which may hold more: DuckDB refuses
    values for parameters a query lacks, so the filters' full set can be passed to any query)."""
    wanted = parameters(name)
    unknown = wanted - values.keys()
    if unknown:
        raise TypeError(f"query {name!r} needs values for {sorted(unknown)}")
    return con.execute(load(name), {k: values[k] for k in wanted})


def relation(con: duckdb.DuckDBPyConnection, name: str, values: dict[str, Any]) -> duckdb.DuckDBPyRelation:
    """A named query as a lazy relation (to write to a file, or to build on), bound like `run`."""
    return con.sql(load(name), params={k: values[k] for k in parameters(name)})


def records(result: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """A query's rows as dicts keyed by column name."""
    columns = [d[0] for d in result.description]
    return [dict(zip(columns, row, strict=True)) for row in result.fetchall()]
