"""SQL lives in `queries/*.sql`; this module finds it by name and says which parameters it binds."""

from __future__ import annotations

import re
from functools import cache

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


def names() -> list[str]:
    """Every query that can be run by name (the setup scripts excluded)."""
    return sorted(p.stem for p in QUERIES_DIR.glob("*.sql"))
