"""Bytes as people save them -> rows of text. A CSV file: decoding tries UTF-16 with a BOM, UTF-8 (with or
without BOM), then the Hong Kong Excel encodings (CP950, Big5-HKSCS), then GB18030; a file none of them
reads is refused (a guess such as cp1250 would store mojibake without a word); DuckDB's CSV reader then
parses quotes, embedded commas and newlines, CRLF, with every value kept as text (the schema checks come
later). A workbook (.xlsx, .xls, .ods): python-calamine reads each sheet (a 100,000-row sheet in about 3 s,
where openpyxl takes 40 s: docs/excel.md), and every cell becomes the text a CSV export would hold (dates
ISO, whole numbers without ".0"), numbered with the row numbers Excel shows."""

from __future__ import annotations

import codecs
import csv
import datetime
import functools
import io
import operator
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import duckdb

from innovisits.data import sql

ENCODINGS = ("utf-8-sig", "cp950", "big5hkscs", "gb18030")  # in this order; any other file is refused
UTF8 = ("utf-8-sig", "utf-16", "workbook")  # Unicode, or cells read as text: nothing guessed
CHUNK = 1 << 20
MAX_COLUMNS = 200  # every upload format has a dozen columns; thousands would only cost minutes to parse
_SIGNATURES = {b"PK\x03\x04": "xlsx", b"\xd0\xcf\x11\xe0": "xls", b"%PDF": "pdf"}
_WORKBOOKS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")  # zip (.xlsx, .ods) and OLE (.xls): calamine tells them apart


class Unreadable(Exception):
    """The file is not a CSV that can be read; `code` and `params` say why (see the locale file)."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code, self.params = code, params


SPACES = "".join(c for c in map(chr, range(0x3001)) if c.isspace())  # what str.strip removes
_CLASS = "[" + "".join(f"\\x{{{ord(c):x}}}" for c in SPACES) + "]+"
STRIP = f"^{_CLASS}|{_CLASS}$"  # RE2: white space at either end (DuckDB's trim with SPACES is 10x slower)
UNQUOTE = "^'([=+\\-@\t\r])"  # a quote before what export.formats.FORMULA_START lists
# the bytes of an ASCII file that cleaning can act on: white space (a line end only ends a line) and '
_NOT_PLAIN = [c.encode() for c in SPACES if c.isascii() and c != "\n"] + [b"'"]


def decode(data: bytes, progress: Callable[[int], None] | None = None) -> tuple[bytes, str]:
    """The file's text as UTF-8 (without BOM) and the encoding it was in."""
    head = data[:8192]
    for signature, kind in _SIGNATURES.items():
        if head.startswith(signature):
            raise Unreadable("not_csv_binary", kind=kind)
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise Unreadable("not_csv_binary", kind="binary")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16").encode("utf-8"), "utf-16"
    for encoding in ENCODINGS:
        utf8 = encoding == "utf-8-sig"  # already UTF-8: checked, not converted
        # (checked without its BOM as plain UTF-8: Python's utf-8-sig decoder lets a lone b"\xef" through)
        source = data.removeprefix(codecs.BOM_UTF8) if utf8 else data
        if utf8 and source.isascii():  # ASCII is UTF-8 as it stands: known in a tenth of a decode's time
            if progress:
                progress(len(source))
            return source, encoding
        try:
            text = _decode_in_chunks(source, "utf-8" if utf8 else encoding, progress, keep=not utf8)
        except UnicodeDecodeError:
            continue
        return (source if utf8 else text.encode("utf-8")), encoding
    raise Unreadable("not_text")


def _decode_in_chunks(data: bytes, encoding: str, progress: Callable[[int], None] | None, keep: bool) -> str:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    parts = []
    for start in range(0, len(data), CHUNK):
        text = decoder.decode(data[start : start + CHUNK])
        if keep:
            parts.append(text)
        if progress:
            progress(min(CHUNK, len(data) - start))
    parts.append(decoder.decode(b"", final=True))
    return "".join(parts)


@dataclass(frozen=True)
class Loaded:
    """An uploaded file in DuckDB: `relation` has `_row` (the row number a spreadsheet shows) and the
    columns c0, c1, ... (text, trimmed, None when empty) for `headers`; rows with no value are dropped."""

    headers: list[str]  # as written in the file (as DuckDB names them: duplicates and blanks made unique)
    name: str  # the DuckDB table holding the file as read
    relation: duckdb.DuckDBPyRelation
    encoding: str
    rows: int

    def column(self, header: str) -> str:
        return f"c{self.headers.index(header)}"


def load(
    con: duckdb.DuckDBPyConnection, data: bytes, name: str, progress: Callable[[int], None] | None = None
) -> Loaded:
    """Parse a CSV file's bytes into table `name` of `con`; raises Unreadable with the reason when it is
    empty or not a CSV."""
    if not data or data.isspace():
        raise Unreadable("empty_file")
    text, encoding = decode(data, progress)
    if b"\x00" in text:  # a NUL past the sniffed head: binary, and it would pass for an empty value later
        raise Unreadable("not_csv_binary", kind="binary")
    columns = text[: 1 << 20].split(b"\n", 1)[0].count(b",") + 1  # quoted commas count too: only a bound
    if columns > MAX_COLUMNS:
        raise Unreadable("too_many_columns", columns=columns, limit=MAX_COLUMNS)
    if b"\r" in text:  # (a search costs a tenth of the copy a replace makes)
        text = text.replace(b"\r\n", b"\n")  # one line end, in values too
    with tempfile.TemporaryDirectory(prefix="innovisits-read-") as tmp:
        path = Path(tmp) / "upload.csv"
        path.write_bytes(text)
        try:
            lines = _LineSize(len(text))
            headers = lines.read(
                lambda size: con.sql(sql.load("ingest/upload_headers"), params={"path": str(path), **size}).columns
            )
            if len(headers) > MAX_COLUMNS:  # a wide row among the sniffed ones: reading it would run out of memory
                _check_rows(text, quotes=False)
                raise Unreadable("too_many_columns", columns=len(headers), limit=MAX_COLUMNS)
            names = [f"c{i}" for i in range(len(headers))]
            # Both threads read when no value is quoted: DuckDB's parallel reader cannot take a quoted line
            # break (with null_padding), and a file without a quote has none. Either way the table keeps the
            # file's order, so a row's number is its rowid (+ 2: the header is row 1).
            parallel = b'"' not in text
            params = {"path": str(path), "names": names, "parallel": parallel}
            lines.read(lambda size: con.sql(sql.load("ingest/read_upload"), params={**params, **size}).create(name))
            plain = parallel and _plain(text)
        except duckdb.Error as error:
            _check_rows(text)  # names the row of an unclosed quote or an overlong row
            detail = str(error).replace(str(path), "the file").splitlines()[0][:200]
            raise Unreadable("not_csv", detail=detail) from error
        finally:
            del text
    row = (duckdb.ColumnExpression("rowid") + duckdb.ConstantExpression(2)).alias("_row")
    numbered = con.table(name).select(row, *[duckdb.ColumnExpression(c) for c in names])
    return _finished(con, numbered, name, headers, encoding, plain)


T = TypeVar("T")  # what a read step returns


class _LineSize:
    """The longest line DuckDB's reader is told to expect. Most files' lines are short, and a limit near the
    file's size makes the reader use one thread (a million rows read in 0.22 s instead of 0.13 s); a quoted
    note may still be as long as the file, so a read that meets a longer line is run again with that limit."""

    USUAL = 2_000_000  # DuckDB's default

    def __init__(self, file_size: int) -> None:
        self.limit, self.file_size = self.USUAL, file_size

    def read(self, step: Callable[[dict[str, int]], T]) -> T:
        try:
            return step({"max_line_size": self.limit})
        except duckdb.InvalidInputException as error:
            if self.limit > self.file_size or "Maximum line size" not in str(error):
                raise
            self.limit = self.file_size + 1
            return step({"max_line_size": self.limit})


def _plain(text: bytes) -> bool:
    """Whether no value of a quote-free file can need cleaning, from its bytes alone: it is ASCII and holds
    no white space or ' but its line ends. Each byte is looked for on its own (memchr: 2 ms a byte for a
    million rows, 0.02 s in all, where one pass over the bytes with a table took 0.05 s and looking at each
    value 0.15 s CPU). Files of codes and numbers mostly are plain."""
    return text.isascii() and not any(byte in text for byte in _NOT_PLAIN)


def _finished(
    con: duckdb.DuckDBPyConnection,
    raw: duckdb.DuckDBPyRelation,
    name: str,
    headers: list[str],
    encoding: str,
    plain: bool = False,
) -> Loaded:
    """The file's rows `raw` (`_row`, c0, c1, ..., in table `name`) cleaned and counted; Unreadable when no
    row holds a value. `plain`: no value needs cleaning (see `_plain`)."""
    relation = _cleaned(con, raw, name, [f"c{i}" for i in range(len(headers))], plain)
    rows = relation.count("*").fetchall()[0][0]
    if not rows:
        raise Unreadable("no_rows")
    return Loaded(headers, name, relation, encoding, rows)


def _check_rows(text: bytes, *, quotes: bool = True) -> None:
    """Read the rows as Python's csv module does, and raise Unreadable naming the row (as a spreadsheet
    numbers it) of the first that has more than MAX_COLUMNS fields or, with `quotes`, that opens a quote
    never closed or has text after a closing quote (DuckDB's own error names neither)."""
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))  # a quoted value may be the whole file
    rows = csv.reader(io.StringIO(text.decode("utf-8"), newline=""), delimiter=",", quotechar='"', strict=True)
    number = 0
    try:
        for number, row in enumerate(rows, start=1):
            if len(row) > MAX_COLUMNS:
                raise Unreadable("too_many_fields", row=number, fields=len(row), limit=MAX_COLUMNS)
    except csv.Error as error:
        if quotes:
            code = "unclosed_quote" if "unexpected end of data" in str(error) else "bad_quote"
            raise Unreadable(code, row=number + 1) from error


@dataclass(frozen=True)
class Part:
    """One table of an uploaded file: the whole file (CSV) or one sheet of a workbook, named for messages
    ("book.xlsx › Visits"); `loaded` is None when it could not be read, and `error` says why."""

    name: str
    loaded: Loaded | None
    error: Unreadable | None = None


def parts(
    con: duckdb.DuckDBPyConnection,
    data: bytes,
    file_name: str,
    table_name: str,
    progress: Callable[[int], None] | None = None,
) -> list[Part]:
    """The tables in an uploaded file, each loaded into `con` (as `table_name`, or `table_name_<n>` for the
    n-th sheet). A workbook gives one part a sheet that has data rows (empty and header-only sheets are
    skipped: a template's unused sheets); a CSV file gives one."""
    if not data.startswith(_WORKBOOKS):
        try:
            return [Part(file_name, load(con, data, table_name, progress))]
        except Unreadable as error:
            return [Part(file_name, None, error)]
    try:
        sheets = workbook(data)
    except Unreadable as error:
        return [Part(file_name, None, error)]
    if progress:
        progress(len(data))
    found, last_error = [], Unreadable("no_rows")
    for number, (sheet, first_row, rows) in enumerate(sheets):
        name = f"{file_name} › {sheet}"
        try:
            found.append(Part(name, load_rows(con, rows, f"{table_name}_{number}", first_row)))
        except Unreadable as error:
            if error.code != "no_rows":
                found.append(Part(name, None, error))
            last_error = error
    return found or [Part(file_name, None, last_error)]


def workbook(data: bytes) -> list[tuple[str, int, list[list[object]]]]:
    """Each sheet of an .xlsx, .xls or .ods file: its name, the row number Excel shows for its first used
    row, and its cells as calamine types them (text, float, int, bool, date, datetime, time, "" for empty)."""
    import python_calamine  # only for workbooks

    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets = []
        for index, sheet_name in enumerate(book.sheet_names):
            sheet = book.get_sheet_by_index(index)
            if sheet.width > MAX_COLUMNS:
                raise Unreadable("too_many_columns", columns=sheet.width, limit=MAX_COLUMNS)
            start = sheet.start[0] + 1 if sheet.start else 1
            sheets.append((sheet_name, start, sheet.to_python()))
    except python_calamine.CalamineError as error:
        kind = next(k for s, k in _SIGNATURES.items() if data.startswith(s))
        raise Unreadable("not_csv_binary", kind=kind) from error
    return sheets


def load_rows(con: duckdb.DuckDBPyConnection, rows: list[list[object]], name: str, first_row: int = 1) -> Loaded:
    """A sheet's rows (the first is the header, numbered `first_row`) as table `name` of `con`, every cell
    the text a CSV file would hold."""
    import pyarrow as pa

    if len(rows) < 2:
        raise Unreadable("no_rows")
    headers = _unique([cell_text(h) or f"column{i}" for i, h in enumerate(rows[0])])
    columns = {"_row": pa.array(range(first_row + 1, first_row + len(rows)), pa.int64())}
    for i, values in enumerate(zip(*rows[1:], strict=True)):  # calamine's rows are all the sheet's width
        # text stays as is (most cells: one call less each), an empty cell is None
        columns[f"c{i}"] = pa.array([v if v.__class__ is str and v else cell_text(v) for v in values], pa.string())
    con.from_arrow(pa.table(columns)).create(name)
    return _finished(con, con.table(name), name, headers, "workbook")


def cell_text(value: object) -> str | None:
    """A cell as the text it shows in a CSV export: dates ISO (2019-03-14), whole numbers without ".0",
    TRUE/FALSE; an empty cell is None."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat(sep=" ")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return None if value is None else str(value)


def _unique(headers: list[str]) -> list[str]:
    """Header names made unique as DuckDB's CSV reader makes them (a repeated name gets _1, _2, ...)."""
    seen: dict[str, int] = {}
    unique = []
    for header in headers:
        n = seen.get(header, 0)
        seen[header] = n + 1
        unique.append(header if not n else f"{header}_{n}")
    return unique


def _cleaned(
    con: duckdb.DuckDBPyConnection, raw: duckdb.DuckDBPyRelation, name: str, names: list[str], plain: bool
) -> duckdb.DuckDBPyRelation:
    """Values trimmed (as str.strip does), empty ones None, the ' our exports put before a formula-like
    value removed (so an exported table uploads unchanged), rows without any value dropped. Most files need
    none of it: one scan finds the columns that do (none in a `plain` file: only blank rows are looked for),
    and only those are rewritten."""
    values = [duckdb.ColumnExpression(c) for c in names]
    blank_row = _all(v.isnull() for v in values)
    if plain:
        found = [False] * len(names) + [bool(raw.filter(blank_row).limit(1).fetchall())]
    else:
        padded = [duckdb.FunctionExpression("bool_or", _padded(v)) for v in values]
        found = raw.aggregate([*padded, duckdb.FunctionExpression("bool_or", blank_row)]).fetchall()[0]
    if not any(found):
        return raw
    trimmed = [
        duckdb.FunctionExpression("nullif", strip(_unquoted(v)), duckdb.ConstantExpression("")).alias(c) if needs else v
        for c, v, needs in zip(names, values, found, strict=False)
    ]
    cleaned = raw.select(duckdb.ColumnExpression("_row"), *trimmed)
    cleaned = cleaned.filter(~_all(duckdb.ColumnExpression(c).isnull() for c in names))
    cleaned.create(f"{name}_clean")
    return con.table(f"{name}_clean")


def _unquoted(value: duckdb.Expression) -> duckdb.Expression:
    """'=1+1 -> =1+1: the quote export.formats.neutralise adds so spreadsheets show a formula as text."""
    pattern, first = (duckdb.ConstantExpression(c) for c in (UNQUOTE, "\\1"))
    return duckdb.FunctionExpression("regexp_replace", value, pattern, first)


def strip(value: duckdb.Expression) -> duckdb.Expression:
    """The value without white space at either end, as str.strip removes it."""
    pattern, nothing, everywhere = (duckdb.ConstantExpression(c) for c in (STRIP, "", "g"))
    return duckdb.FunctionExpression("regexp_replace", value, pattern, nothing, everywhere)


def _padded(value: duckdb.Expression) -> duckdb.Expression:
    """Whether the value may need cleaning: empty, starting or ending with white space (one of SPACES),
    starting with a ', or starting with another control character (a false alarm costs only the rewrite).
    The start is compared, not cut out (a third of the cost); the end is the last character."""
    quote = (value >= duckdb.ConstantExpression("'")) & (value < duckdb.ConstantExpression("("))
    one = duckdb.ConstantExpression(1)
    last = duckdb.FunctionExpression("substring", value, duckdb.FunctionExpression("length", value), one)
    spaces = duckdb.ConstantExpression(SPACES)
    return _starts_with_space(value) | quote | duckdb.FunctionExpression("contains", spaces, last)


def _starts_with_space(value: duckdb.Expression) -> duckdb.Expression:
    """Empty, or a first character up to ' ' (ASCII white space, control characters) or in SPACES above
    ASCII. Text compares by code point: a value starts with a character in [a, b] when a <= value < the one
    after b. A case, not an or: only a value that starts above ASCII is compared with the runs there (a
    computed or evaluates every branch for every value)."""
    runs = [
        (value >= duckdb.ConstantExpression(a)) & (value < duckdb.ConstantExpression(chr(ord(b) + 1)))
        for a, b in _SPACE_RUNS
    ]
    wide = value >= duckdb.ConstantExpression(_SPACE_RUNS[0][0])
    low = value < duckdb.ConstantExpression("!")
    return duckdb.CaseExpression(wide, functools.reduce(operator.or_, runs)).otherwise(low)


def _runs(characters: Iterable[str]) -> list[tuple[str, str]]:
    """Runs of consecutive characters above ' ' as (first, last)."""
    runs: list[tuple[str, str]] = []
    for c in sorted(c for c in set(characters) if c > " "):
        if runs and ord(runs[-1][1]) + 1 == ord(c):
            runs[-1] = (runs[-1][0], c)
        else:
            runs.append((c, c))
    return runs


_SPACE_RUNS = _runs(SPACES)  # U+0085, U+00A0, U+1680, U+2000-U+200A, ...: the white space above ASCII


def _all(conditions: Iterable[duckdb.Expression]) -> duckdb.Expression:
    return functools.reduce(operator.and_, conditions)
