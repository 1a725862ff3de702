"""An upload from files to a plan: read and recognise each file, split visit reports, validate, compare
with the store, and preview the Overview numbers before and after. Nothing is written here; `batches.commit`
stores a plan that has no problems."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from innovisits.config import MAX_UPLOAD_ROWS, max_upload_bytes
from innovisits.ingest import audit, headers, reading
from innovisits.ingest.resolve import resolvers as make_resolvers
from innovisits.ingest.rules import REPORT, TABLES
from innovisits.ingest.templates import KINDS
from innovisits.ingest.validate import MISSING, Piece, Problem, check, conflicts, normalise, value_columns
from innovisits.store import Store

MAX_PROBLEMS = 200  # shown at once; the count says how many more
SUMMARY_KEYS = ("visits", "delegates", "departments", "cities", "categories")


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


@dataclass
class Plan:
    data_dir: Path
    version: tuple
    files: list[FileInfo]
    problems: list[Problem]
    problem_count: int = 0
    new: dict[str, pd.DataFrame] = field(default_factory=dict)  # table -> rows to add (text, schema order)
    duplicates: dict[str, int] = field(default_factory=dict)  # table -> rows already stored
    before: dict[str, int] = field(default_factory=dict)  # Overview numbers now
    after: dict[str, int] = field(default_factory=dict)  # ... and with this batch

    @property
    def ok(self) -> bool:
        return not self.problem_count

    @property
    def adds_nothing(self) -> bool:
        return self.ok and not any(len(f) for f in self.new.values())

    def counts(self) -> dict[str, int]:
        return {table: len(frame) for table, frame in self.new.items()}

    def fingerprint(self) -> str:
        """Same files on the same store version -> same fingerprint (the page confirms what it previewed)."""
        text = repr(([f.sha256 for f in self.files], self.version))
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def prepare(
    uploads: list[Upload],
    data_dir: Path,
    limits: Limits | None = None,
    progress: Callable[[int], None] | None = None,
) -> Plan:
    """Validate the upload against the store; the plan holds the problems or the rows to add."""
    limits = limits or Limits()
    store = Store(data_dir, in_memory=True)  # the preview adds the upload to a private copy
    resolvers = make_resolvers(store)
    stored_files = audit.active_checksums(data_dir)
    files, pieces, problems = [], [], []
    total_rows = 0
    for upload in uploads:
        info = FileInfo(upload.name, hashlib.sha256(upload.data).hexdigest(), len(upload.data))
        info = _with(info, stored_in=stored_files.get(info.sha256))
        if len(upload.data) > limits.max_bytes:
            problems.append(Problem(upload.name, None, None, None, "too_large", {"limit_mb": limits.max_bytes >> 20}))
            files.append(info)
            continue
        try:
            table = reading.read(upload.data, progress)
        except reading.Unreadable as error:
            problems.append(Problem(upload.name, None, None, None, error.code, error.params))
            files.append(info)
            continue
        match = headers.recognise(table.headers)
        info = _with(info, kind=match.kind, rows=len(table.rows), encoding=table.encoding)
        files.append(info)
        total_rows += len(table.rows)
        problems.extend(_header_problems(upload.name, table, match))
        if match.columns and not match.missing:  # unknown extra columns are reported, the rest still checked
            pieces.extend(_pieces(upload.name, table, match))
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
    for piece in pieces:
        normalise(piece, resolvers)
    parents = _parent_keys(store, pieces)
    for piece in pieces:
        problems.extend(check(piece, resolvers, parents))
    problems.extend(conflicts(pieces))
    plan = Plan(Path(data_dir), store.version, files, [], before=_summary(store))
    if not problems:
        for table in TABLES:
            mine = [p for p in pieces if p.table == table]
            if mine:
                new, duplicates, stored_conflicts = _against_store(store, table, mine)
                problems.extend(stored_conflicts)
                plan.duplicates[table] = duplicates
                if len(new):
                    plan.new[table] = new
    problems.sort(key=lambda p: (p.file, p.row or 0, p.column or ""))
    plan.problems, plan.problem_count = problems[:MAX_PROBLEMS], len(problems)
    if plan.ok:
        for table, frame in plan.new.items():
            store.insert(table, store.con.from_df(frame))
        plan.after = _summary(store)
    else:
        plan.new = {}
    return plan


def _with(info: FileInfo, **changes: object) -> FileInfo:
    return FileInfo(**{**info.__dict__, **changes})


def _summary(store: Store) -> dict[str, int]:
    row = store.records("summary")[0]
    return {k: int(row[k]) for k in SUMMARY_KEYS}


def _header_problems(name: str, table: reading.Table, match: headers.Match) -> list[Problem]:
    if not match.columns:
        expected = "; ".join(f"{kind} ({', '.join(dict.fromkeys(headers.required(kind)))})" for kind in KINDS)
        return [Problem(name, 1, None, ", ".join(table.headers), "unknown_header", {"expected": expected})]
    problems = [Problem(name, 1, column, None, "missing_column", {"kind": match.kind}) for column in match.missing]
    for header in match.unknown:
        if header.startswith("column") and table.rows[header].isna().all():
            continue  # an unnamed, empty column Excel leaves at the right edge
        closest = ", ".join(headers.closest_column(header, match.kind)) or "—"
        problems.append(Problem(name, 1, header, header, "unknown_column", {"kind": match.kind, "closest": closest}))
    return problems


def _pieces(name: str, table: reading.Table, match: headers.Match) -> list[Piece]:
    """The file as rows of each table it fills: itself, or a visit report split into its parts."""
    named = table.rows[list(match.columns)].rename(columns=match.columns)
    written = {column: header for header, column in match.columns.items()}
    if match.kind in TABLES:
        return [Piece(name, match.kind, _all_columns(named, match.kind), written)]
    pieces = [Piece(name, part, _all_columns(named, part), written, from_report=True) for part in REPORT.parts]
    for list_column, (table_name, column) in REPORT.lists.items():
        items = named[list_column].str.split(f"[{REPORT.separators}]", regex=True).explode().str.strip()
        items = items[items.fillna("").ne("")]
        rows = named.loc[items.index, [c for c in named.columns if c in value_columns(table_name)]]
        rows = _all_columns(rows.assign(**{column: items}), table_name)
        pieces.append(Piece(name, table_name, rows, {**written, column: written[list_column]}, from_report=True))
    return pieces


def _all_columns(rows: pd.DataFrame, table: str) -> pd.DataFrame:
    """The table's columns in schema order, absent optional ones empty; values as object text."""
    frame = pd.DataFrame({c: rows.get(c, None) for c in value_columns(table)}, index=rows.index)
    return frame.astype(object).where(frame.notna(), None)


def _stored_rows(store: Store, table: str, column: str, values: pd.Series) -> pd.DataFrame:
    """Stored rows whose `column` is among `values`, every column as text (as the upload is)."""
    wanted = store.con.from_df(pd.DataFrame({column: values.dropna().unique().astype(object)}))
    rows = store.con.table(table).join(wanted, column, how="semi")
    text = [duckdb.ColumnExpression(c).cast(duckdb.sqltype("VARCHAR")).alias(c) for c in rows.columns]
    return rows.select(*text).df()


def _parent_keys(store: Store, pieces: list[Piece]) -> dict[str, set[str]]:
    """For each column pointing into another table: the keys that exist, in the upload or the store."""
    parents: dict[str, set[str]] = {}
    for rule in TABLES.values():
        for column, parent in rule.parents.items():
            parent_key = TABLES[parent].key[0]
            uploaded = {v for p in pieces if p.table == parent for v in p.rows[parent_key].dropna()}
            referenced = pd.Series([v for p in pieces if p.table == rule.table for v in p.rows[column].dropna()])
            stored = set(_stored_rows(store, parent, parent_key, referenced)[parent_key]) if len(referenced) else set()
            parents.setdefault(column, set()).update(uploaded | stored)
    return parents


def _empty_is_missing(value: object) -> object:
    """An empty text and a missing value are the same answer (a CSV's empty cell is stored as null)."""
    return MISSING if value == "" else value


def _against_store(store: Store, table: str, pieces: list[Piece]) -> tuple[pd.DataFrame, int, list[Problem]]:
    """The rows not yet stored, how many are, and keys stored with different values. Keyed tables match
    by key; other tables by whole row, counted (two identical delegates stay two)."""
    rule = TABLES[table]
    columns = value_columns(table)
    located = [p.rows.assign(_piece=i, _row=p.rows.index) for i, p in enumerate(pieces)]
    rows = pd.concat(located, ignore_index=True).fillna(MISSING)
    if rule.key:
        rows = rows.drop_duplicates(columns)
    stored = _stored_rows(store, table, columns[0], rows[columns[0]].replace(MISSING, None)).fillna(MISSING)
    match_on = list(rule.key) or columns
    if not rule.key:  # number repeated rows so the n-th copy matches the n-th stored copy
        rows["_n"] = rows.groupby(columns).cumcount()
        stored["_n"] = stored.groupby(columns).cumcount()
        match_on = [*columns, "_n"]
    merged = rows.merge(stored, on=match_on, how="left", suffixes=("", "_stored"), indicator=True)
    found = merged["_merge"] == "both"
    problems = []
    for record in merged[found].to_dict("records"):
        differing = [
            c
            for c in columns
            if c not in match_on and _empty_is_missing(record[c]) != _empty_is_missing(record[f"{c}_stored"])
        ]
        if differing:
            piece = pieces[record["_piece"]]
            column = differing[0]
            stored_value = record[f"{column}_stored"]
            problems.append(
                piece.problem(
                    record["_row"],
                    column,
                    record[column].replace(MISSING, "") or None,
                    "differs_from_store",
                    row_key=", ".join(str(record[k]) for k in rule.key),
                    stored="" if stored_value == MISSING else stored_value,
                )
            )
    new = merged.loc[~found, columns].replace(MISSING, None).reset_index(drop=True)
    return new, int(found.sum()) - len(problems), problems
