"""Which table a file is, from its header row: names compared without case, spaces, underscores or
hyphens, in English or Chinese (the aliases in `rules`). The best match is the table that leaves the
fewest headers unexplained, then explains the most."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

from innovisits.ingest.rules import REPORT, TABLES

_SEPARATORS = re.compile(r"[\s_\-]+")


def normalise(header: str) -> str:
    return _SEPARATORS.sub(" ", unicodedata.normalize("NFKC", header or "")).strip().casefold()


def header_names() -> dict[str, dict[str, str]]:
    """Each uploadable kind (table or report) -> normalised header name -> its column."""
    kinds: dict[str, dict[str, str]] = {}
    for table, rule in TABLES.items():
        kinds[table] = {normalise(c.name): c.name for c in rule.columns()}
        for column, others in rule.headers.items():
            kinds[table].update({normalise(h): column for h in others})
    report: dict[str, str] = {}
    for part in REPORT.parts:
        report.update(kinds[part])
    for column, others in REPORT.headers.items():
        report.update({normalise(h): column for h in (column, *others)})
    kinds[REPORT.name] = report
    return kinds


def required(kind: str) -> list[str]:
    if kind == REPORT.name:
        return [c.name for part in REPORT.parts for c in TABLES[part].columns() if c.is_required] + [*REPORT.lists]
    return [c.name for c in TABLES[kind].columns() if c.is_required]


@dataclass(frozen=True)
class Match:
    kind: str  # a table name or the report's name
    columns: dict[str, str]  # header as written -> column
    unknown: list[str]  # headers that name no column of this kind
    missing: list[str]  # required columns absent


def recognise(headers: list[str]) -> Match:
    """The kind of file these headers describe (possibly with missing columns, for the message)."""
    matches = []
    for kind, names in header_names().items():
        columns = {h: names[normalise(h)] for h in headers if normalise(h) in names}
        unknown = [h for h in headers if normalise(h) not in names]
        missing = [c for c in dict.fromkeys(required(kind)) if c not in columns.values()]
        matches.append(Match(kind, columns, unknown, missing))
    return min(matches, key=lambda m: (len(m.missing), len(m.unknown), -len(m.columns)))


def closest_column(header: str, kind: str) -> list[str]:
    names = header_names()[kind]
    return [names[n] for n in difflib.get_close_matches(normalise(header), names, n=2, cutoff=0.6)]
