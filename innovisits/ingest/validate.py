"""Checks on uploaded rows, each failure a Problem naming file, row, column, value and what would be
right. The rows stay in DuckDB; Python looks only at each column's distinct values (a million rows name a
few dozen departments): each distinct value is normalised once (names resolve to keys, dates to ISO) and
checked once against the rule's checks (required, dates, whole numbers, ranges, reference names, allowed
values), and the rows holding a failing value are found by a join. Checks that compare rows (parent rows,
repeated keys) are joins and window queries in `queries/ingest/`."""

from __future__ import annotations

import datetime
import itertools
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

import duckdb

from innovisits import i18n
from innovisits.data import sql
from innovisits.data.config import date_range
from innovisits.ingest.resolve import Resolver
from innovisits.ingest.rules import TABLES, TableRule

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%Y年%m月%d日", "%Y/%m/%d", "%d-%m-%Y", "%d.%m.%Y")
_WHOLE = re.compile(r"-?\d+")
_ISO_DATE = re.compile(r"[1-9][0-9]{3}-[0-9]{2}-[0-9]{2}")  # ASCII digits only: strptime decides the rest
_ANY_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_PLAIN_WHOLE = re.compile(r"-?[0-9]{1,100}")  # read by int(): exact at any length (shown as written)
_NAMES = itertools.count()  # tables made here get unique names


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None
    column: str | None
    value: str | None
    code: str  # a reason code: the text is `upload_reason_<code>` in the locale files
    params: Mapping[str, object] = field(default_factory=dict)

    def reason(self, lang: str = "en") -> str:
        """What to fix, wholly in `lang` (names, columns and allowed values too)."""
        params = {k: v.text(lang) if isinstance(v, InEach) else v for k, v in self.params.items()}
        return i18n.t(f"upload_reason_{self.code}", lang, **params)

    def where(self, lang: str = "en") -> str:
        """The column to look at, as the file writes it (or, when it is missing, as `lang` names it)."""
        named = self.params.get("column")
        return named.text(lang) if isinstance(named, InEach) else self.column or ""

    def line(self) -> str:
        """One line for the command line: file, row, column, value, reason (in English)."""
        where = [self.file] if self.file else []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column:
            where.append(f"column {self.column!r}")
        value = f" value {self.value!r}:" if self.value is not None else ""
        return f"{', '.join(where)}:{value} {self.reason('en')}"


@dataclass(frozen=True)
class InEach:
    """A message detail written in each language (a table's name, a list of columns or names): the
    message takes the one in its own language."""

    texts: Mapping[str, str]

    def text(self, lang: str) -> str:
        return self.texts.get(lang) or self.texts[i18n.DEFAULT_LANGUAGE]

    def __str__(self) -> str:
        return self.text(i18n.DEFAULT_LANGUAGE)


def in_each(write: Callable[[str], str]) -> InEach:
    """`write(lang)` for every language."""
    return InEach({lang: write(lang) for lang in i18n.LANGUAGES})


def listed(items: Iterable[str], lang: str) -> str:
    """Items as a list in `lang` ("a, b" or "甲、乙"), or a dash when there are none."""
    return i18n.t("upload_list_separator", lang).join(items) or "—"


def at_row(file: str, row: int) -> InEach:
    return in_each(lambda lang: i18n.t("upload_at_row", lang, file=file, row=row))


@dataclass
class Piece:
    """One table's rows taken from one file: `_row` (the row number in the file) and all the table's
    columns as text, in a DuckDB relation (a table file's rows in the file's order)."""

    file: str
    table: str
    rows: duckdb.DuckDBPyRelation
    headers: dict[str, str]  # column -> header as written in the file (for messages)
    from_report: bool = False

    def problem(self, row: int | None, column: str | None, value: object, code: str, **params: object) -> Problem:
        shown = None if value is None else str(value)
        return Problem(self.file, row, self.headers.get(column, column) if column else None, shown, code, params)


def value_columns(table: str) -> list[str]:
    return [c.name for c in TABLES[table].columns()]


# ------------------------------------------------------------------------------------------ normalising


@dataclass(frozen=True)
class Verdict:
    value: str  # normalised (or as written, when it does not normalise)
    failed: tuple[tuple[str, dict[str, object]], ...]  # (reason code, params) of each failed check, in order


def verdicts(rule: TableRule, column: str, values: list[str], resolvers: Mapping[str, Resolver]) -> list[Verdict]:
    """Each distinct written value of one column: what it normalises to and which checks it fails."""
    normalised = _normalised(rule, column, values, resolvers)
    failed = _failures(rule, column, normalised, resolvers)
    return [Verdict(v, f) for v, f in zip(normalised, failed, strict=True)]


def _normalised(rule: TableRule, column: str, values: list[str], resolvers: Mapping[str, Resolver]) -> list[str]:
    """Names to keys, choices to their key, dates to ISO, whole numbers to plain digits; a value that does
    not normalise is kept as written so the check that rejects it can show it."""
    kind = _column_type(rule, column)
    if column in rule.resolves:
        resolver = resolvers[rule.resolves[column]]
        return [resolver.resolve(v) or v for v in values]
    if column in rule.choices:
        options = choice_names(rule, column)
        return [options.get(v.casefold(), v) for v in values]
    if kind in ("DATE", "INTEGER"):
        plain = _plain_iso_date if kind == "DATE" else _plain_whole_number
        known = {v: plain(v) for v in values}
        others = [v for v, n in known.items() if n is None]
        if others:  # the date formats, or pandas' number parser (imported only for such values)
            known.update(zip(others, (_parsed_dates if kind == "DATE" else _parsed_numbers)(others), strict=True))
        return [known[v] for v in values]
    return values


def _plain_iso_date(value: str) -> str | None:
    """A valid date already written as 2019-03-14 (what most files hold) is its own normal form."""
    if _ISO_DATE.fullmatch(value):
        try:
            datetime.date.fromisoformat(value)
        except ValueError:
            return None
        return value
    return None


def _plain_whole_number(value: str) -> str | None:
    return str(int(value)) if _PLAIN_WHOLE.fullmatch(value) else None


def _parsed_dates(values: list[str]) -> list[str]:
    """Each value in the first of DATE_FORMATS that reads it, as an ISO date (any year: the range check
    names a year such as 0001 or 9999 instead of failing on it), else as written."""
    found = []
    for value in values:
        for fmt in DATE_FORMATS:
            try:
                found.append(datetime.datetime.strptime(value, fmt).date().isoformat())
                break
            except ValueError:
                continue
        else:
            found.append(value)
    return found


def _parsed_numbers(values: list[str]) -> list[str]:
    import pandas as pd

    series = pd.Series(values, dtype=object)
    number = pd.to_numeric(series, errors="coerce")
    whole = number.notna() & number.abs().lt(float("inf")) & (number == number.round())  # 1e400 is inf
    return list(number.where(whole).map(lambda n: f"{int(n)}", na_action="ignore").where(whole, series))


def _failures(
    rule: TableRule, column: str, values: list[str], resolvers: Mapping[str, Resolver]
) -> list[tuple[tuple[str, dict[str, object]], ...]]:
    kind = _column_type(rule, column)
    checks: list[tuple[str, dict[str, object], list[bool]]] = []  # code, params, passes (per value)
    if kind == "DATE":
        checks.append(("bad_date", {}, _iso_dates(values)))
        first, last = date_range()
        checks.append(("date_out_of_range", {"first": first, "last": last}, _in_date_range(values)))
    if kind == "INTEGER":
        checks.append(("bad_integer", {}, [bool(_WHOLE.fullmatch(v)) for v in values]))
    if column in rule.ranges:
        low, high = rule.ranges[column]
        checks.append(("out_of_range", {"low": low, "high": high}, _within(values, low, high)))
    if column in rule.resolves:
        resolver = resolvers[rule.resolves[column]]
        checks.append((f"unknown_{resolver.kind}", {}, [v in resolver.canonical for v in values]))
    if column in rule.choices:
        allowed = rule.choices[column]
        checks.append(("bad_choice", {"allowed": allowed_values(rule, column)}, [v in allowed for v in values]))
    failed = []
    for i, value in enumerate(values):
        found = []
        for code, params, passes in checks:
            if not passes[i]:
                if code.startswith("unknown_"):
                    resolver = resolvers[rule.resolves[column]]
                    closest = resolver.closest(value)
                    params = {
                        "closest": in_each(lambda lang, c=closest, r=resolver: listed(map(r.label(lang), c), lang))
                    }
                found.append((code, params))
        failed.append(tuple(found))
    return failed


def _iso_dates(values: list[str]) -> list[bool]:
    """Whether each (normalised) value is an ISO date."""
    return [_date(v) is not None for v in values]


def _date(value: str) -> datetime.date | None:
    if not _ANY_ISO_DATE.fullmatch(value):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


def _in_date_range(values: list[str]) -> list[bool]:
    """Within config.date_range() (a value that is not a date passes: the date check catches it)."""
    first, last = date_range()
    return [(found := _date(v)) is None or first <= found <= last for v in values]


def _within(values: list[str], low: int, high: int) -> list[bool]:
    """Not below `low` nor above `high` (a value that is not a number passes: another check catches it)."""
    known = {v: low <= int(v) <= high for v in values if _PLAIN_WHOLE.fullmatch(v)}
    others = [v for v in values if v not in known]
    if others:
        import pandas as pd

        number = pd.to_numeric(pd.Series(others, dtype=object), errors="coerce")
        known.update(zip(others, ~number.lt(low) & ~number.gt(high), strict=True))
    return [bool(known[v]) for v in values]


def _column_type(rule: TableRule, column: str) -> str:
    return next(c.type for c in rule.columns() if c.name == column)


def needs_values(rule: TableRule, column: str) -> bool:
    """Whether a column's values are normalised or checked one by one (others are only required or not)."""
    return column in rule.resolves or column in rule.choices or _column_type(rule, column) in ("DATE", "INTEGER")


def allowed_values(rule: TableRule, column: str) -> InEach:
    """The allowed values as a person writes them: the keys in English, the labels in Chinese."""
    prefix = rule.labels.get(column, column)
    values = rule.choices[column]
    return in_each(
        lambda lang: listed(
            values if lang == i18n.DEFAULT_LANGUAGE else (i18n.t(f"{prefix}_{v}", lang) for v in values), lang
        )
    )


def choice_names(rule: TableRule, column: str) -> dict[str, str]:
    """Allowed values by key or by their label in either language (`type_enterprise` -> 企業)."""
    names = {}
    prefix = rule.labels.get(column, column)
    for value in rule.choices[column]:
        names[value.casefold()] = value
        if i18n.has(f"{prefix}_{value}"):
            for lang in i18n.LANGUAGES:
                names[i18n.t(f"{prefix}_{value}", lang).casefold()] = value
    return names


# ---------------------------------------------------------------------------------------------- checks


def lookup(con: duckdb.DuckDBPyConnection, written: list[str], normalised: list[str]) -> duckdb.DuckDBPyRelation:
    """A table (written, normalised) from two lists (stored: relations with parameters cannot be joined)."""
    name = f"lookup_{next(_NAMES)}"
    con.sql(sql.load("ingest/lookup"), params={"written": written, "normalised": normalised}).create(name)
    return con.table(name)


def check(
    con: duckdb.DuckDBPyConnection, piece: Piece, resolvers: Mapping[str, Resolver]
) -> tuple[Piece, list[Problem]]:
    """Every per-value problem of one piece, and the piece with its values normalised."""
    rule = TABLES[piece.table]
    problems: list[Problem] = []
    changed: dict[str, duckdb.DuckDBPyRelation] = {}
    required = [c.name for c in rule.columns() if c.is_required]
    valued = [c.name for c in rule.columns() if needs_values(rule, c.name)]
    counts = [duckdb.FunctionExpression("count_if", duckdb.ColumnExpression(c).isnull()) for c in required]
    distinct = [
        duckdb.FunctionExpression("map_keys", duckdb.FunctionExpression("histogram", duckdb.ColumnExpression(c)))
        for c in valued
    ]
    found = piece.rows.aggregate([*counts, *distinct]).fetchall()[0]  # one scan for every column
    missing = dict(zip(required, found[: len(required)], strict=True))
    for name, written in zip(valued, found[len(required) :], strict=True):
        if missing.get(name):
            problems.extend(_missing(piece, name))
        written = [w for w in written or () if w is not None]
        verdict = dict(zip(written, verdicts(rule, name, written, resolvers), strict=True))
        if any(w != v.value for w, v in verdict.items()):
            changed[name] = lookup(con, written, [v.value for v in verdict.values()])
        bad = [w for w, v in verdict.items() if v.failed]
        if bad:
            failing = lookup(con, bad, bad).select("written").set_alias("b")
            rows = piece.rows.set_alias("p").join(
                failing, duckdb.ColumnExpression("p", name) == duckdb.ColumnExpression("b", "written")
            )
            for row, value in rows.select("_row", name).order("_row").fetchall():
                for code, params in verdict[value].failed:
                    problems.append(piece.problem(row, name, verdict[value].value, code, **params))
    for name in required:
        if missing[name] and name not in valued:
            problems.extend(_missing(piece, name))
    return _replaced(con, piece, changed), problems


def _missing(piece: Piece, column: str) -> list[Problem]:
    empty = piece.rows.filter(duckdb.ColumnExpression(column).isnull()).select("_row").order("_row")
    return [piece.problem(row, column, None, "required") for (row,) in empty.fetchall()]


def orphans(
    con: duckdb.DuckDBPyConnection, piece: Piece, parents: Callable[[str], duckdb.DuckDBPyRelation]
) -> list[Problem]:
    """Values pointing into another table that hold none of its keys; `parents(table)` gives the keys
    (column `key`) in the upload or the store. The missing values are found first: rows only for misses."""
    problems = []
    for name, parent in TABLES[piece.table].parents.items():
        values = duckdb.ColumnExpression(name)
        keys = parents(parent).select(duckdb.ColumnExpression("key").alias(name)).distinct()
        absent = [
            v
            for (v,) in piece.rows.filter(values.isnotnull())
            .select(values)
            .join(keys, name, how="anti")  # every row probes the keys: cheaper than making its values distinct
            .distinct()
            .fetchall()
        ]
        if not absent:
            continue
        missing = piece.rows.join(
            lookup(con, absent, absent).select(duckdb.ColumnExpression("written").alias(name)), name, how="semi"
        )
        for row, value in missing.select("_row", name).order("_row").fetchall():
            problems.append(piece.problem(row, name, value, "unknown_parent", table=parent))
    return problems


def _replaced(con: duckdb.DuckDBPyConnection, piece: Piece, changed: Mapping[str, duckdb.DuckDBPyRelation]) -> Piece:
    """The piece with each changed column's values swapped for their normalised ones (stored once)."""
    if not changed:
        return piece
    rows = piece.rows.set_alias("p")
    columns = {c: duckdb.ColumnExpression("p", c) for c in ["_row", *value_columns(piece.table)]}
    for i, (name, mapping) in enumerate(changed.items()):
        alias = f"m{i}"
        rows = rows.join(
            mapping.set_alias(alias), columns[name] == duckdb.ColumnExpression(alias, "written"), how="left"
        )
        columns[name] = duckdb.CoalesceOperator(duckdb.ColumnExpression(alias, "normalised"), columns[name])
    table = f"piece_{next(_NAMES)}"
    rows.select(*[e.alias(c) for c, e in columns.items()]).order("_row").create(table)  # a join keeps no order
    return Piece(piece.file, piece.table, con.table(table), piece.headers, piece.from_report)


# ----------------------------------------------------------------------------------- rows against rows


def packed(pieces: list[Piece], table: str) -> duckdb.DuckDBPyRelation:
    """All pieces of one table in one relation: `_piece`, `_row`, `_is_report`, the row identity `_key` and
    every value `_vals` as structs (so one query handles any table), then the columns themselves."""
    rule = TABLES[table]
    columns = value_columns(table)
    result = None
    for i, piece in enumerate(pieces):
        if piece.table != table:
            continue
        values = [duckdb.ColumnExpression(c) for c in columns]
        relation = piece.rows.select(
            duckdb.ConstantExpression(i).alias("_piece"),
            duckdb.ColumnExpression("_row"),
            duckdb.ConstantExpression(piece.from_report).alias("_is_report"),
            row([duckdb.ColumnExpression(c) for c in rule.key or columns]).alias("_key"),
            row(values).alias("_vals"),
            *values,
        )
        result = relation if result is None else result.union(relation)
    return result


def row(values: list[duckdb.Expression]) -> duckdb.Expression:
    """The values as one struct: compared and hashed as a whole, missing values equal to each other."""
    return duckdb.FunctionExpression("row", *values)


def first_difference(columns: list[str], these: tuple, those: tuple, skip: tuple[str, ...] = ()) -> int:
    """The position of the first column (not in `skip`) whose values differ."""
    return next(i for i, c in enumerate(columns) if c not in skip and these[i] != those[i])


def conflicts(con: duckdb.DuckDBPyConnection, pieces: list[Piece]) -> list[Problem]:
    """Rows of one table sharing a key: a repeated key in a table file, or different values for one key
    anywhere in the upload (a report repeats its visit on every row, which is fine when identical)."""
    problems = []
    for table, rule in TABLES.items():
        if not rule.key or not any(p.table == table for p in pieces):
            continue
        columns = value_columns(table)
        packed(pieces, table).create_view("ingest_rows", replace=True)
        found = con.execute(sql.load("ingest/conflicts")).fetchall()
        for piece_index, row_number, first_piece, first_row, code, key, vals, first_vals in found:
            piece = pieces[piece_index]
            where = at_row(pieces[first_piece].file, first_row)
            if code == "duplicate_key":
                problems.append(piece.problem(row_number, rule.key[0], key[0], code, other=where))
            else:
                at = first_difference(columns, vals, first_vals)
                problems.append(piece.problem(row_number, columns[at], vals[at], code, other=where))
    return problems
