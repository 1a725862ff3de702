"""Which table a file is, from its header row: names compared without case, spaces, underscores or
hyphens, in English or Chinese (the aliases in `rules`, and every header the app itself shows a column
under, so a table exported from a page can be uploaded again; the counts a page adds are ignored). The best
match is the table that leaves the fewest headers unexplained, then explains the most."""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from innovisits import i18n
from innovisits.ingest.rules import REPORT, TABLES, TableRule

_SEPARATORS = re.compile(r"[\s_\-]+")


def normalise(header: str) -> str:
    return _SEPARATORS.sub(" ", unicodedata.normalize("NFKC", header or "")).strip().casefold()


def _defined(key: str) -> bool:
    return i18n.has(key)


def label_keys(rule: TableRule, column: str) -> list[str]:
    """The locale keys of the headers the app shows `column` under (its own `col_<column>` first)."""
    own = f"col_{column}"
    return [k for k in (own, *rule.shown.get(column, ()), f"upload_column_{column}") if _defined(k)]


def label(column: str, lang: str) -> str:
    """A column as a message in `lang` names it: in English as the templates head it (`visit_date`), in
    Chinese as the pages do (日期)."""
    if lang == i18n.DEFAULT_LANGUAGE:
        return column
    rules = [r for r in TABLES.values() if column in {c.name for c in r.columns()}]
    keys = label_keys(rules[0], column) if rules else [k for k in (f"upload_column_{column}",) if _defined(k)]
    return i18n.t(keys[0], lang) if keys else column


def _shown(rule: TableRule, column: str) -> list[str]:
    """Every header the app shows a column under, in every language; a code column also as "Code (…)"."""
    names = [i18n.t(k, lang) for k in label_keys(rule, column) for lang in i18n.LANGUAGES]
    if column in rule.resolves:
        code = {lang: i18n.t("col_code", lang) for lang in i18n.LANGUAGES}
        names += [f"{code[lang]} ({i18n.t(k, lang)})" for k in label_keys(rule, column) for lang in i18n.LANGUAGES]
    return names


@cache
def header_names() -> dict[str, dict[str, str]]:
    """Each uploadable kind (table or report) -> normalised header name -> its column."""
    kinds: dict[str, dict[str, str]] = {}
    for table, rule in TABLES.items():
        kinds[table] = {}
        for c in rule.columns():
            kinds[table].update({normalise(h): c.name for h in _shown(rule, c.name)})
        for column, others in rule.headers.items():
            kinds[table].update({normalise(h): column for h in others})
        kinds[table].update({normalise(c.name): c.name for c in rule.columns()})
    report: dict[str, str] = {}
    for part in REPORT.parts:
        report.update(kinds[part])
    for column, others in REPORT.headers.items():
        report.update({normalise(h): column for h in (column, *others)})
    kinds[REPORT.name] = report
    return kinds


@cache
def derived_names(kind: str) -> frozenset[str]:
    """Normalised headers of the counts a page adds to a table of this kind: accepted and ignored."""
    parts = REPORT.parts if kind == REPORT.name else (kind,)
    keys = [k for part in parts for k in TABLES[part].derived]
    return frozenset(normalise(i18n.t(k, lang)) for k in keys for lang in i18n.LANGUAGES) - header_names()[kind].keys()


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
        unknown = [h for h in headers if normalise(h) not in names and normalise(h) not in derived_names(kind)]
        missing = [c for c in dict.fromkeys(required(kind)) if c not in columns.values()]
        matches.append(Match(kind, columns, unknown, missing))
    return min(matches, key=lambda m: (len(m.missing), len(m.unknown), -len(m.columns)))


def closest_column(header: str, kind: str) -> list[str]:
    names = header_names()[kind]
    found = difflib.get_close_matches(normalise(header), names, n=6, cutoff=0.6)
    return list(dict.fromkeys(names[n] for n in found))[:2]
