"""Reference data by staff: add or rename a department, city or technology category (both names, English
and Chinese, required), or add an alias, each as a batch of its own, so it is audited and undone like an
upload. A new row goes into `<table>/batch-<id>.parquet`; a rename is a correction (the file holding the row
is set aside, see `batches`), so `data/departments.csv` itself is never rewritten. An alias goes into
`aliases/batch-<id>.parquet` and wins over earlier ones for the same name."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb

from innovisits.data import lock
from innovisits.ingest import batches
from innovisits.ingest.resolve import REFERENCES, key, resolvers
from innovisits.ingest.rules import CATEGORY, CITY, DEPARTMENT
from innovisits.ingest.snapshot import ALIAS_COLUMNS, Snapshot

KINDS = (DEPARTMENT, CITY, CATEGORY)
DEPARTMENT_KINDS = ("government", "public_body", "academia", "trade", "organiser")  # = kind_* in the locales


class ReferenceError(ValueError):
    """The entry cannot be stored; `code` names the reason (`reference_error_<code>` in the locales)."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code, self.params = code, params


@dataclass(frozen=True)
class Entry:
    """One reference row as staff give it. A city's code is its English name (the data model keys cities
    by it), so for a city `name_en` is the code."""

    kind: str
    code: str
    name_en: str
    name_zh: str
    department_kind: str | None = None
    lat: float | None = None
    lon: float | None = None

    def row(self) -> dict[str, object]:
        key_column = REFERENCES[self.kind][1]
        if self.kind == CITY:
            return {key_column: self.code, "name_zh": self.name_zh, "lat": self.lat, "lon": self.lon}
        found = {key_column: self.code, "name_en": self.name_en, "name_zh": self.name_zh}
        return {**found, "kind": self.department_kind} if self.kind == DEPARTMENT else found


@dataclass(frozen=True)
class Stored:
    batch_id: str | None  # None: the entry was already stored exactly so
    action: str  # "add" or "rename" (or "alias")


def listing(data_dir: Path, kind: str) -> list[dict[str, object]]:
    """Every row of one kind's reference table (or every alias, for "alias"), as stored now."""
    with lock.reading(data_dir):
        snapshot = Snapshot(data_dir)
        table = "aliases" if kind == "alias" else REFERENCES[kind][0]
        relation = snapshot.con.table(table)
        if kind == "alias":
            relation = relation.order("_source").select(*ALIAS_COLUMNS)
        columns = relation.columns
        return [dict(zip(columns, row, strict=True)) for row in relation.fetchall()]


def add(data_dir: Path, entry: Entry, who: str) -> Stored:
    """Add the entry, or rename the stored row of its code; a batch of its own."""
    entry = _checked(entry)
    with lock.reading(data_dir):
        snapshot = Snapshot(data_dir)
    table, key_column, _ = REFERENCES[entry.kind]
    code = duckdb.ColumnExpression(key_column) == duckdb.ConstantExpression(entry.code)
    stored = snapshot.con.table(table).filter(code)
    _names_free(snapshot, entry)
    wanted = entry.row()
    rows = stored.fetchall()
    if rows:
        before = dict(zip(stored.columns, rows[0], strict=True))
        if entry.kind == CITY:  # a rename keeps the position unless a new one is given
            wanted = {**wanted, **{c: before[c] for c in ("lat", "lon") if wanted[c] is None}}
        if entry.kind == DEPARTMENT and not entry.department_kind:
            wanted = {**wanted, "kind": before["kind"]}
        changes = [[table, entry.code, c, _text(before[c]), _text(v)] for c, v in wanted.items() if before[c] != v]
        if not changes:
            return Stored(None, "rename")
        snapshot.correct(table, _relation(snapshot, wanted))
        record = {"files": [], "rows": {}, "corrected": {table: 1}, "changes": changes}
        action = "rename"
    else:
        if entry.kind == DEPARTMENT and not entry.department_kind:
            raise ReferenceError(
                "kind_required", "a new department needs its kind (--kind)", kinds=", ".join(DEPARTMENT_KINDS)
            )
        snapshot.add(table, _relation(snapshot, wanted))
        record = {"files": [], "rows": {table: 1}}
        action = "add"
    reference = {"action": action, "kind": entry.kind, "code": entry.code, "en": entry.name_en, "zh": entry.name_zh}
    return Stored(batches.store(snapshot, snapshot.version, {**record, "reference": reference}, who), action)


def add_alias(data_dir: Path, kind: str, alias: str, canonical: str, who: str) -> Stored:
    """Make `alias` name the reference row `canonical` (a code or any of its names) from now on."""
    if kind not in KINDS:
        raise ReferenceError("bad_kind", f"no reference kind {kind!r}: use one of {', '.join(KINDS)}")
    alias = alias.strip()
    if not alias:
        raise ReferenceError("names_required", "the alias is empty")
    with lock.reading(data_dir):
        snapshot = Snapshot(data_dir)
    resolver = resolvers(snapshot)[kind]
    target = resolver.resolve(canonical)
    if target is None:
        closest = ", ".join(resolver.closest(canonical)) or "—"
        raise ReferenceError(
            "unknown_target", f"{canonical!r} is not a known {kind} (closest: {closest})", closest=closest
        )
    now = resolver.resolve(alias)
    if now == target:
        return Stored(None, "alias")
    if now is not None and key(alias) not in _alias_names(snapshot, kind):
        raise ReferenceError("name_taken", f"{alias!r} is already the name of {now}", other=now)
    snapshot.add("aliases", _relation(snapshot, {"kind": kind, "alias": alias, "canonical": target}))
    reference = {"action": "alias", "kind": kind, "code": target, "alias": alias}
    record = {"files": [], "rows": {"aliases": 1}, "reference": reference}
    return Stored(batches.store(snapshot, snapshot.version, record, who), "alias")


def _alias_names(snapshot: Snapshot, kind: str) -> set[str]:
    rows = snapshot.con.table("aliases").filter(duckdb.ColumnExpression("kind") == duckdb.ConstantExpression(kind))
    return {key(alias) for (alias,) in rows.select("alias").fetchall() if alias}


def _checked(entry: Entry) -> Entry:
    """The entry with its text trimmed, refused when a name is missing or a value is not allowed."""
    if entry.kind not in KINDS:
        raise ReferenceError("bad_kind", f"no reference kind {entry.kind!r}: use one of {', '.join(KINDS)}")
    code, en, zh = (" ".join((v or "").split()) for v in (entry.code, entry.name_en, entry.name_zh))
    if entry.kind == CITY:
        if en and code and en != code:
            raise ReferenceError("city_code", "a city's code is its English name: give the same for both")
        code = en = code or en
    if not code or not en or not zh:
        raise ReferenceError("names_required", "both names are required: the English name and the Chinese name")
    if entry.department_kind and entry.department_kind not in DEPARTMENT_KINDS:
        raise ReferenceError(
            "bad_department_kind",
            f"no department kind {entry.department_kind!r}: use one of {', '.join(DEPARTMENT_KINDS)}",
            kinds=", ".join(DEPARTMENT_KINDS),
        )
    return Entry(entry.kind, code, en, zh, entry.department_kind, entry.lat, entry.lon)


def _names_free(snapshot: Snapshot, entry: Entry) -> None:
    """Refuse names that already name another row of the kind: the upload could not tell them apart."""
    resolver = resolvers(snapshot)[entry.kind]
    for name in (entry.code, entry.name_en, entry.name_zh):
        other = resolver.resolve(name)
        if other is not None and other != entry.code:
            raise ReferenceError("name_taken", f"{name!r} is already the name of {other}", other=other)


def _relation(snapshot: Snapshot, row: dict[str, object]) -> duckdb.DuckDBPyRelation:
    """One row as a relation, a column a key (typed when it is added)."""
    return snapshot.con.values([0]).select(*[duckdb.ConstantExpression(v).alias(c) for c, v in row.items()])


def _text(value: object) -> str | None:
    return None if value is None else str(value)
