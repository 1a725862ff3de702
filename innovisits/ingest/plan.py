"""An upload from files to a plan: read and recognise each file, split visit reports, validate, compare
with the store, and preview the Overview numbers before and after. Nothing is written here; `batches.commit`
stores a plan that has no problems."""

from __future__ import annotations

import functools
import hashlib
import operator
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from innovisits import i18n
from innovisits.data import audit, lock, sql
from innovisits.data.config import MAX_UPLOAD_ROWS, location, max_upload_bytes
from innovisits.data.store import SUMMARY_KEYS, schema, sql_type
from innovisits.ingest import headers, reading, templates
from innovisits.ingest.resolve import resolvers as make_resolvers
from innovisits.ingest.rules import REPORT, TABLES
from innovisits.ingest.snapshot import Snapshot
from innovisits.ingest.templates import KINDS
from innovisits.ingest.validate import (
    Piece,
    Problem,
    check,
    conflicts,
    first_difference,
    in_each,
    listed,
    orphans,
    packed,
    row,
    value_columns,
)

if TYPE_CHECKING:
    import pandas as pd

MAX_PROBLEMS = 200  # shown at once; the count says how many more


@dataclass(frozen=True)
class Upload:
    name: str
    data: bytes


@dataclass(frozen=True)
class Limits:
    max_bytes: int = field(default_factory=max_upload_bytes)
    max_rows: int = MAX_UPLOAD_ROWS


@dataclass(frozen=True)
class FileInfo:
    name: str
    sha256: str
    size: int
    kind: str | None = None  # the table or report it was recognised as
    rows: int = 0
    encoding: str | None = None
    stored_in: str | None = None  # an active batch that already holds this exact file


@dataclass(frozen=True)
class Change:
    """One stored value a correction changes: the row (its key), the column, the value before and after."""

    table: str
    key: str
    column: str
    old: str | None
    new: str | None

    def line(self) -> str:
        return f"{self.table} {self.key}, {self.column}: {self.old or '—'} → {self.new or '—'}"


@dataclass
class Plan:
    data_dir: Path | str  # str: an s3:// URL
    version: tuple
    files: list[FileInfo]
    problems: list[Problem]
    problem_count: int = 0
    snapshot: Snapshot | None = None  # holds the rows to add, as `new_<table>` (a table, or a view of the checked rows)
    added: dict[str, int] = field(default_factory=dict)  # table -> rows to add
    duplicates: dict[str, int] = field(default_factory=dict)  # table -> rows already stored
    before: dict[str, int] = field(default_factory=dict)  # Overview numbers now
    after: dict[str, int] = field(default_factory=dict)  # ... and with this batch
    corrections: bool = False  # whether stored rows may be corrected (else a changed value is a problem)
    corrected: dict[str, int] = field(default_factory=dict)  # table -> stored rows this batch corrects
    changes: list[Change] = field(default_factory=list)  # every value the corrections change
    warnings: list[Problem] = field(default_factory=list)  # stored anyway, but worth a look (no delegates, ...)

    @property
    def ok(self) -> bool:
        return not self.problem_count

    @property
    def adds_nothing(self) -> bool:
        return self.ok and not any(self.added.values()) and not any(self.corrected.values())

    def counts(self) -> dict[str, int]:
        return {table: n for table, n in self.added.items() if n}

    def rows(self, table: str) -> duckdb.DuckDBPyRelation:
        """The rows to add to `table`, typed as the schema says (what the batch stores)."""
        return self.snapshot.con.table(f"new_{table}")

    @functools.cached_property
    def new(self) -> Mapping[str, pd.DataFrame]:
        """Table -> rows to add, as text in schema order (for showing them: a table is converted when asked)."""
        return _Frames({table: self.rows(table) for table in self.counts()})

    def fingerprint(self) -> str:
        """Same files on the same store version -> same fingerprint (the page confirms what it previewed)."""
        text = repr(([f.sha256 for f in self.files], self.version, self.corrections))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


class _Frames(Mapping):
    """DuckDB relations shown as pandas DataFrames of text, each converted on first use."""

    def __init__(self, relations: dict[str, duckdb.DuckDBPyRelation]) -> None:
        self._relations, self._frames = relations, {}

    def __getitem__(self, table: str) -> pd.DataFrame:
        if table not in self._frames:
            rows = self._relations[table]
            text = duckdb.sqltype("VARCHAR")
            frame = rows.select(*[duckdb.ColumnExpression(c).cast(text).alias(c) for c in rows.columns]).df()
            self._frames[table] = frame.astype(object).where(frame.notna(), None)
        return self._frames[table]

    def __iter__(self) -> Iterator[str]:
        return iter(self._relations)

    def __len__(self) -> int:
        return len(self._relations)


def prepare(
    uploads: list[Upload],
    data_dir: Path | str,
    limits: Limits | None = None,
    progress: Callable[[int], None] | None = None,
    corrections: bool = False,
) -> Plan:
    """Validate the upload against the store; the plan holds the problems or the rows to add. With
    `corrections`, a stored row given with other values is corrected (each change listed) instead of refused."""
    with lock.reading(location(data_dir)):  # no ingest moves files while the views read them
        plan = _prepare(uploads, location(data_dir), limits or Limits(), progress, corrections)
        if plan.ok and (plan.added.get("visits") or plan.corrected.get("visits")):
            plan.warnings = _warnings(plan.snapshot)
        return plan


def _prepare(
    uploads: list[Upload],
    data_dir: Path | str,
    limits: Limits,
    progress: Callable[[int], None] | None,
    corrections: bool,
) -> Plan:
    digests = _digests(uploads)
    snapshot = Snapshot(data_dir)
    before, departments = _overview(snapshot)  # first: stored data that cannot be read is reported before any work
    con = snapshot.con
    resolvers = make_resolvers(snapshot)
    stored_files = audit.active_checksums(data_dir)
    files, pieces, problems = [], [], []
    total_rows = 0
    sha256 = digests()
    for number, upload in enumerate(uploads):
        info = FileInfo(upload.name, sha256[number], len(upload.data))
        info = _with(info, stored_in=stored_files.get(info.sha256))
        if len(upload.data) > limits.max_bytes:
            problems.append(Problem(upload.name, None, None, None, "too_large", {"limit_mb": limits.max_bytes >> 20}))
            files.append(info)
            continue
        for part in reading.parts(con, upload.data, upload.name, f"upload_{number}", progress):
            table = part.loaded
            if table is None:
                problems.append(Problem(part.name, None, None, None, part.error.code, _named(part.error.params)))
                files.append(_with(info, name=part.name))
                continue
            match = headers.recognise(table.headers)
            files.append(_with(info, name=part.name, kind=match.kind, rows=table.rows, encoding=table.encoding))
            total_rows += table.rows
            problems.extend(_header_problems(part.name, table, match))
            if match.columns and not match.missing:  # unknown extra columns are reported, the rest still checked
                pieces.extend(_pieces(con, part.name, table, match))
    if total_rows > limits.max_rows:
        problems.append(
            Problem(
                ", ".join(f.name for f in files),
                None,
                None,
                None,
                "too_many_rows",
                {"limit": limits.max_rows, "rows": total_rows},
            )
        )
    checked = [check(con, piece, resolvers) for piece in pieces]
    pieces = [piece for piece, _ in checked]
    for _, found in checked:
        problems.extend(found)
    for piece in pieces:
        problems.extend(_orphans(snapshot, pieces, piece))
    problems.extend(conflicts(con, pieces))
    plan = Plan(data_dir, snapshot.version, files, [], before=before, snapshot=snapshot, corrections=corrections)
    if not problems:
        for table in TABLES:
            if any(p.table == table for p in pieces):
                added, duplicates, stored_conflicts = _against_store(snapshot, table, pieces, plan)
                problems.extend(stored_conflicts)
                plan.duplicates[table] = duplicates
                plan.added[table] = added
    problems.sort(key=lambda p: (p.file, p.row or 0, p.column or ""))
    plan.problems, plan.problem_count = problems[:MAX_PROBLEMS], len(problems)
    if plan.ok:
        plan.after = _after(snapshot, plan, departments)
    else:
        plan.added = {}
    return plan


def _digests(uploads: list[Upload]) -> Callable[[], list[str]]:
    """Each upload's SHA-256 (the audit record's), worked out in a thread while the snapshot opens: hashlib
    lets go of the interpreter for large buffers, so a million rows' 0.02 s is spent beside that work."""
    hashes = [hashlib.sha256() for _ in uploads]

    def hash_all() -> None:
        for digest, upload in zip(hashes, uploads, strict=True):
            digest.update(upload.data)

    thread = threading.Thread(target=hash_all)
    thread.start()

    def finished() -> list[str]:
        thread.join()
        return [h.hexdigest() for h in hashes]

    return finished


def _with(info: FileInfo, **changes: object) -> FileInfo:
    return FileInfo(**{**info.__dict__, **changes})


def _overview(snapshot: Snapshot) -> tuple[dict[str, int], list[str]]:
    """The Overview's numbers, and the departments the delegates come from (see `_after`)."""
    row = snapshot.records("ingest/overview")[0]
    return {k: int(row[k]) for k in SUMMARY_KEYS}, row["department_codes"] or []


def _after(snapshot: Snapshot, plan: Plan, departments: list[str]) -> dict[str, int]:
    """The Overview's numbers with the plan's rows. New delegates alone change two of them, worked out from
    the numbers before (counting a million delegates again cost 0.15 s): each counts, since a valid plan has
    no delegate of an unknown visit and the visits are as they were, and the departments are those before
    and the new delegates'. Any other upload is counted again."""
    if set(plan.counts()) != {"participants"} or any(plan.corrected.values()):
        return _overview(snapshot)[0]
    new = plan.rows("participants").select("department").distinct().fetchall()
    return {
        **plan.before,
        "delegates": plan.before["delegates"] + plan.added["participants"],
        "departments": len({*departments, *(d for (d,) in new if d is not None)}),
    }


def _header_problems(name: str, table: reading.Loaded, match: headers.Match) -> list[Problem]:
    if not match.columns:
        expected = in_each(
            lambda lang: i18n.t("upload_list_end", lang).join(
                i18n.t("upload_kind_columns", lang, kind=kind_name(kind, lang), columns=columns(kind, lang))
                for kind in KINDS
            )
        )
        return [Problem(name, 1, None, ", ".join(table.headers), "unknown_header", {"expected": expected})]
    kind = in_each(lambda lang: kind_name(match.kind, lang))
    problems = [
        Problem(
            name,
            1,
            column,
            None,
            "missing_column",
            {"kind": kind, "column": in_each(lambda lang, c=column: headers.label(c, lang))},
        )
        for column in match.missing
    ]
    accepted = in_each(lambda lang: listed((headers.label(c, lang) for c in templates.columns(match.kind)), lang))
    for header in match.unknown:
        if header.startswith("column") and _is_empty(table, header):
            continue  # an unnamed, empty column Excel leaves at the right edge
        closest = headers.closest_column(header, match.kind)
        near = in_each(lambda lang, c=closest: listed((headers.label(x, lang) for x in c), lang))
        params = {"kind": kind, "closest": near, "accepted": accepted}
        problems.append(Problem(name, 1, header, header, "unknown_column", params))
    return problems


def _named(params: Mapping[str, object]) -> dict[str, object]:
    """An unreadable file's parameters, the kind of file it looks like named in each language."""
    if "kind" not in params:
        return dict(params)
    return {**params, "kind": in_each(lambda lang: i18n.t(f"upload_file_kind_{params['kind']}", lang))}


def kind_name(kind: str, lang: str) -> str:
    return i18n.t(f"upload_kind_{kind}", lang)


def columns(kind: str, lang: str) -> str:
    """A kind's required columns as a person reads them in `lang`."""
    return listed((headers.label(c, lang) for c in dict.fromkeys(headers.required(kind))), lang)


def _is_empty(table: reading.Loaded, header: str) -> bool:
    values = duckdb.ColumnExpression(table.column(header))
    return not table.relation.filter(values.isnotnull()).limit(1).fetchall()


def _pieces(con: duckdb.DuckDBPyConnection, name: str, table: reading.Loaded, match: headers.Match) -> list[Piece]:
    """The file as rows of each table it fills: itself, or a visit report split into its parts."""
    named: dict[str, str] = {}  # column -> the file's column holding it (the first header naming it)
    for header, column in match.columns.items():
        named.setdefault(column, table.column(header))
    written = {column: header for header, column in match.columns.items()}

    def part(source: duckdb.DuckDBPyRelation, kind: str, columns: dict[str, str]) -> duckdb.DuckDBPyRelation:
        text = duckdb.sqltype("VARCHAR")
        return source.select(
            duckdb.ColumnExpression("_row"),
            *[
                (duckdb.ColumnExpression(columns[c]) if c in columns else duckdb.ConstantExpression(None))
                .cast(text)
                .alias(c)
                for c in value_columns(kind)
            ],
        )

    if match.kind in TABLES:
        return [Piece(name, match.kind, part(table.relation, match.kind, named), written)]
    pieces = [Piece(name, kind, part(table.relation, kind, named), written, from_report=True) for kind in REPORT.parts]
    for list_column, (kind, column) in REPORT.lists.items():
        shared = {c: named[c] for c in value_columns(kind) if c in named}
        source = table.relation.select(
            duckdb.ColumnExpression("_row"),
            *[duckdb.ColumnExpression(f).alias(f) for f in dict.fromkeys(shared.values())],
            duckdb.ColumnExpression(named[list_column]).alias("items"),
        )
        source.create_view("ingest_input", replace=True)
        items = con.sql(
            sql.load("ingest/report_items"),
            params={"separators": f"[{REPORT.separators}]", "strip": reading.STRIP},
        )
        items.create(f"{table.name}_{list_column}")
        rows = part(con.table(f"{table.name}_{list_column}"), kind, {**shared, column: "item"})
        pieces.append(Piece(name, kind, rows, {**written, column: written[list_column]}, from_report=True))
    return pieces


def _orphans(snapshot: Snapshot, pieces: list[Piece], piece: Piece) -> list[Problem]:
    def keys(parent: str) -> duckdb.DuckDBPyRelation:
        key = duckdb.ColumnExpression(TABLES[parent].key[0]).alias("key")
        found = snapshot.con.table(parent).select(key)
        for other in pieces:
            if other.table == parent:
                found = found.union(other.rows.select(key))
        return found

    return orphans(snapshot.con, piece, keys)


def _against_store(snapshot: Snapshot, table: str, pieces: list[Piece], plan: Plan) -> tuple[int, int, list[Problem]]:
    """How many rows are new (added to `new_<table>`), how many are stored, and keys stored with different
    values: problems, or with `plan.corrections` the plan's corrections (rows in `fixed_<table>`, each changed
    value in `plan.changes`). Keyed tables match by key; other tables by whole row, counted (two identical
    delegates stay two)."""
    con = snapshot.con
    rule = TABLES[table]
    columns = value_columns(table)
    if rule.key:
        pieces = [_filled(snapshot, p) if p.table == table else p for p in pieces]
    packed(pieces, table).create_view("ingest_rows", replace=True)
    text = duckdb.sqltype("VARCHAR")
    stored = [duckdb.ColumnExpression(c).cast(text) for c in columns]
    if rule.key:  # values compared with an empty text and a missing value the same answer
        empty = duckdb.ConstantExpression("")
        values = [duckdb.FunctionExpression("nullif", v, empty) for v in stored]
        key = [duckdb.ColumnExpression(c).cast(text) for c in rule.key]
    else:  # rows matched exactly
        values = key = stored
    con.table(table).select(row(key).alias("_key"), row(values).alias("_vals")).create_view(
        "ingest_stored", replace=True
    )
    if rule.key:
        con.sql(sql.load("ingest/store_keyed")).create(f"compared_{table}")
    else:
        con.sql(sql.load("ingest/store_rows")).create(f"compared_{table}")
    compared = con.table(f"compared_{table}")
    compared.create_view("ingest_compared", replace=True)
    problems = []
    if rule.key:
        differing = compared.filter(duckdb.ColumnExpression("differs")).order("_piece, _row")
        for piece_index, row_number, key_values, vals, stored_vals in differing.select(
            "_piece", "_row", "_key", "_vals", "stored_vals"
        ).fetchall():
            if plan.corrections:
                key_text = ", ".join(str(k) for k in key_values)
                plan.changes.extend(
                    Change(table, key_text, c, stored_vals[i], vals[i])
                    for i, c in enumerate(columns)
                    if c not in rule.key and vals[i] != stored_vals[i]
                )
                continue
            at = first_difference(columns, vals, stored_vals, skip=rule.key)
            problems.append(
                pieces[piece_index].problem(
                    row_number,
                    columns[at],
                    vals[at],
                    "differs_from_store",
                    row_key=", ".join(str(k) for k in key_values),
                    stored=stored_vals[at] or "",
                )
            )
        found = compared.filter(duckdb.ColumnExpression("is_stored"))
        if plan.corrections:
            plan.corrected[table] = differing.count("*").fetchall()[0][0]
            found = found.filter(~duckdb.ColumnExpression("differs"))
            if plan.corrected[table]:
                snapshot.correct(table, con.sql(sql.load("ingest/fixed_keyed")))
    else:
        found = compared
    typed = [duckdb.ColumnExpression(c.name).cast(sql_type(c.type)).alias(c.name) for c in schema()[table]]
    if rule.key:
        new = con.sql(sql.load("ingest/new_keyed"))
    elif found.count("*").fetchall()[0][0] or any(p.from_report for p in pieces if p.table == table):
        new = con.sql(sql.load("ingest/new_unkeyed"))
    else:  # table files with no row stored: every row, in file order (sorting a million cost 0.4 s), read in
        # place from the checked pieces (copying a million cost 0.12 s): the batch's Parquet is written from them
        mine = [p.rows.select(*typed) for p in pieces if p.table == table]
        snapshot.stage(table, functools.reduce(duckdb.DuckDBPyRelation.union, mine))
        new = None
    if new is not None:
        snapshot.stage(table)
        new.select(*typed).insert_into(f"new_{table}")
    n_added = con.table(f"new_{table}").count("*").fetchall()[0][0]
    return n_added, found.count("*").fetchall()[0][0] - len(problems), problems


def _filled(snapshot: Snapshot, piece: Piece) -> Piece:
    """A correcting piece whose file lacks some columns, those columns taken from the stored row of its key:
    leaving a column out of a file does not mean emptying it."""
    key = TABLES[piece.table].key
    absent = [c for c in value_columns(piece.table) if c not in piece.headers and c not in key]
    if not absent:
        return piece
    text = duckdb.sqltype("VARCHAR")
    stored = snapshot.con.table(piece.table).select(
        *[duckdb.ColumnExpression(c).cast(text).alias(f"_stored_{c}") for c in (*key, *absent)]
    )
    condition = functools.reduce(
        operator.and_, [duckdb.ColumnExpression(k) == duckdb.ColumnExpression(f"_stored_{k}") for k in key]
    )
    rows = piece.rows.join(stored, condition, how="left").select(
        "_row",
        *[duckdb.ColumnExpression(f"_stored_{c}" if c in absent else c).alias(c) for c in value_columns(piece.table)],
    )
    return Piece(piece.file, piece.table, rows, piece.headers, piece.from_report)


def _warnings(snapshot: Snapshot) -> list[Problem]:
    """New or corrected visits that no stored or uploaded row gives delegates or categories: allowed (they can
    come in a later upload) but the Data quality page would flag them."""
    return [
        Problem("", None, "visit_id", visit_id, code)
        for visit_id, code in snapshot.con.execute(sql.load("ingest/visits_incomplete")).fetchall()
    ]
