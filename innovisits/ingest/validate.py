"""Checks on uploaded rows, each failure a Problem naming file, row, column, value and what would be
right. Per-column checks (required, dates, whole numbers, ranges, reference names, allowed values, parent
rows) are a pandera schema built from the rules; rows are compared with each other and with the store by
row identity. Values are normalised first: names resolve to keys, dates to ISO."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd
import pandera.pandas as pa

from innovisits import i18n
from innovisits.ingest.resolve import Resolver
from innovisits.ingest.rules import TABLES, TableRule

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y年%m月%d日", "%Y/%m/%d", "%d-%m-%Y", "%d.%m.%Y")
MISSING = "\x00"  # stands for an empty value when rows are compared


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    column: str | None
    value: str | None
    code: str  # a reason code: the text is `upload_reason_<code>` in the locale files
    params: Mapping[str, object] = field(default_factory=dict)

    def reason(self, lang: str = "en") -> str:
        return i18n.t(f"upload_reason_{self.code}", lang, **self.params)

    def line(self) -> str:
        """One line for the command line: file, row, column, value, reason (in English)."""
        where = [self.file]
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        value = f" value {self.value!r}:" if self.value is not None else ""
        return f"{', '.join(where)}:{value} {self.reason('en')}"


@dataclass
class Piece:
    """One table's rows taken from one file: all the table's columns, index = row number in the file."""

    file: str
    table: str
    rows: pd.DataFrame
    headers: dict[str, str]  # column -> header as written in the file (for messages)
    from_report: bool = False

    def problem(self, row: int | None, column: str | None, value: object, code: str, **params: object) -> Problem:
        shown = None if value is None or pd.isna(value) else str(value)
        return Problem(self.file, row, self.headers.get(column, column) if column else None, shown, code, params)


# ------------------------------------------------------------------------------------------ normalising


def normalise(piece: Piece, resolvers: Mapping[str, Resolver]) -> None:
    """Resolve names to keys, dates to ISO, whole numbers to plain digits, choices to their key; a value
    that does not normalise is kept as written so the check that rejects it can show it."""
    rule = TABLES[piece.table]
    rows = piece.rows
    for column in rule.columns():
        values = rows[column.name]
        if column.name in rule.resolves:
            resolver = resolvers[rule.resolves[column.name]]
            rows[column.name] = _each_distinct(values, lambda v, r=resolver: r.resolve(v) or v)
        elif column.name in rule.choices:
            options = choice_names(rule, column.name)
            rows[column.name] = _each_distinct(values, lambda v, o=options: o.get(v.casefold(), v))
        elif column.type == "DATE":
            parsed = pd.Series(pd.NaT, index=values.index)
            for fmt in DATE_FORMATS:
                parsed = parsed.fillna(pd.to_datetime(values, format=fmt, errors="coerce"))
            rows[column.name] = parsed.dt.strftime("%Y-%m-%d").where(parsed.notna(), values)
        elif column.type == "INTEGER":
            number = pd.to_numeric(values, errors="coerce")
            whole = number.notna() & number.abs().lt(float("inf")) & (number == number.round())  # 1e400 is inf
            rows[column.name] = number.where(whole).map(lambda n: f"{int(n)}", na_action="ignore").where(whole, values)


def _each_distinct(values: pd.Series, change: Callable[[str], str]) -> pd.Series:
    """`change` applied once per distinct value (a report repeats the same names thousands of times)."""
    mapping = {v: change(v) for v in values.dropna().unique()}
    return values.map(mapping).astype(object).where(values.notna(), None)


def choice_names(rule: TableRule, column: str) -> dict[str, str]:
    """Allowed values by key or by their label in either language (`type_enterprise` -> 企業)."""
    names = {}
    prefix = rule.labels.get(column, column)
    for value in rule.choices[column]:
        names[value.casefold()] = value
        for lang in i18n.LANGUAGES:
            label = i18n.t(f"{prefix}_{value}", lang)
            if label != f"{prefix}_{value}":
                names[label.casefold()] = value
    return names


# ---------------------------------------------------------------------------------------------- checks


def _check(name: str, ok: Callable[[pd.Series], pd.Series]) -> pa.Check:
    return pa.Check(ok, name=name, ignore_na=True)


def schema(rule: TableRule, resolvers: Mapping[str, Resolver], parents: Mapping[str, set[str]]) -> pa.DataFrameSchema:
    """The pandera schema of one table, from the data model and its rule."""
    columns = {}
    for column in rule.columns():
        checks = []
        if column.type == "DATE":
            checks.append(_check("bad_date", lambda s: pd.to_datetime(s, format="%Y-%m-%d", errors="coerce").notna()))
        if column.type == "INTEGER":
            checks.append(_check("bad_integer", lambda s: s.str.fullmatch(r"-?\d+")))
        if column.name in rule.ranges:
            low, high = rule.ranges[column.name]
            checks.append(
                _check(
                    "out_of_range",
                    lambda s, lo=low, hi=high: (
                        ~pd.to_numeric(s, errors="coerce").lt(lo) & ~pd.to_numeric(s, errors="coerce").gt(hi)
                    ),
                )
            )
        if column.name in rule.resolves:
            known = resolvers[rule.resolves[column.name]].canonical
            checks.append(_check(f"unknown_{rule.resolves[column.name]}", lambda s, k=known: s.isin(k)))
        if column.name in rule.choices:
            checks.append(_check("bad_choice", lambda s, k=rule.choices[column.name]: s.isin(k)))
        if column.name in rule.parents:
            checks.append(_check("unknown_parent", lambda s, k=parents[column.name]: s.isin(k)))
        columns[column.name] = pa.Column(None, nullable=not column.is_required, checks=checks)
    return pa.DataFrameSchema(columns)


def check(piece: Piece, resolvers: Mapping[str, Resolver], parents: Mapping[str, set[str]]) -> list[Problem]:
    """Every per-value problem of one piece."""
    rule = TABLES[piece.table]
    try:
        schema(rule, resolvers, parents).validate(piece.rows, lazy=True)
    except pa.errors.SchemaErrors as errors:
        cases = errors.failure_cases
    else:
        return []
    problems = []
    for case in cases.itertuples():
        if case.index is None or pd.isna(case.index):
            continue
        row, column = int(case.index), case.column
        value = piece.rows.at[row, column] if column in piece.rows else None
        if isinstance(value, pd.Series):  # a report's list column: several items share the row number
            value = case.failure_case
        code, params = _reason(case.check, rule, column, value, resolvers)
        problems.append(piece.problem(row, column, value, code, **params))
    return problems


def _reason(check_name: str, rule: TableRule, column: str, value: object, resolvers: Mapping[str, Resolver]):
    if check_name == "not_nullable":
        return "required", {}
    if check_name.startswith("unknown_") and check_name != "unknown_parent":
        closest = resolvers[rule.resolves[column]].closest(str(value))
        return check_name, {"closest": ", ".join(closest) or "—"}
    if check_name == "bad_choice":
        return check_name, {"allowed": ", ".join(rule.choices[column])}
    if check_name == "out_of_range":
        low, high = rule.ranges[column]
        return check_name, {"low": low, "high": high}
    if check_name == "unknown_parent":
        return check_name, {"table": rule.parents[column]}
    return check_name, {}


# ----------------------------------------------------------------------------------- rows against rows


def value_columns(table: str) -> list[str]:
    return [c.name for c in TABLES[table].columns()]


def conflicts(pieces: list[Piece]) -> list[Problem]:
    """Rows of one table sharing a key: a repeated key in a table file, or different values for one key
    anywhere in the upload (a report repeats its visit on every row, which is fine when identical)."""
    problems = []
    for table, rule in TABLES.items():
        mine = [p for p in pieces if p.table == table]
        if not rule.key or not mine:
            continue
        columns = value_columns(table)
        first: dict[tuple, tuple[Piece, int, tuple]] = {}
        for piece in mine:
            rows = piece.rows.fillna(MISSING)
            if piece.from_report:  # the same visit on every delegate's row: compare each version once
                rows = rows.drop_duplicates(columns)
            keys = rows[list(rule.key)].fillna(MISSING).itertuples(index=False, name=None)
            values = rows[columns].itertuples(index=False, name=None)
            for row, key, row_values in zip(rows.index, keys, values, strict=True):
                if key not in first:
                    first[key] = (piece, row, row_values)
                    continue
                seen_piece, seen_row, seen_values = first[key]
                where = f"{seen_piece.file} row {seen_row}"
                if seen_piece is piece and not piece.from_report:
                    problems.append(piece.problem(row, rule.key[0], key[0], "duplicate_key", other=where))
                elif seen_values != row_values:
                    column = next(c for c, a, b in zip(columns, seen_values, row_values, strict=True) if a != b)
                    shown = row_values[columns.index(column)]
                    problems.append(
                        piece.problem(
                            row, column, None if shown == MISSING else shown, "differs_in_upload", other=where
                        )
                    )
    return problems
