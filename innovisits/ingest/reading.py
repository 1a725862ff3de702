"""Bytes as people save them -> rows of text. Decoding tries UTF-8 (with or without BOM), then the Hong
Kong Excel encodings (CP950, Big5-HKSCS), then charset-normalizer's guess; DuckDB's CSV reader then parses
quotes, embedded commas and newlines, CRLF, with every value kept as text (the schema checks come later)."""

from __future__ import annotations

import codecs
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer
import duckdb
import pandas as pd

from innovisits.store import connect

ENCODINGS = ("utf-8-sig", "cp950", "big5hkscs")
CHUNK = 1 << 20
MAX_COLUMNS = 200  # every upload format has a dozen columns; thousands would only cost minutes to parse
_SIGNATURES = {b"PK\x03\x04": "xlsx", b"\xd0\xcf\x11\xe0": "xls", b"%PDF": "pdf"}


class Unreadable(Exception):
    """The file is not a CSV that can be read; `code` and `params` say why (see the locale file)."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code, self.params = code, params


@dataclass(frozen=True)
class Table:
    headers: list[str]  # as written in the file
    rows: pd.DataFrame  # text values (None when empty), index = the row number a spreadsheet shows
    encoding: str


def decode(data: bytes, progress: Callable[[int], None] | None = None) -> tuple[str, str]:
    """The file's text and the encoding it was in."""
    head = data[:8192]
    for signature, kind in _SIGNATURES.items():
        if head.startswith(signature):
            raise Unreadable("not_csv_binary", kind=kind)
    if b"\x00" in head and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise Unreadable("not_csv_binary", kind="binary")
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    for encoding in ENCODINGS:
        try:
            return _decode_in_chunks(data, encoding, progress), encoding
        except UnicodeDecodeError:
            continue
    best = charset_normalizer.from_bytes(data).best()
    if best is None:
        raise Unreadable("not_text")
    return str(best), best.encoding


def _decode_in_chunks(data: bytes, encoding: str, progress: Callable[[int], None] | None) -> str:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    parts = []
    for start in range(0, len(data), CHUNK):
        parts.append(decoder.decode(data[start : start + CHUNK]))
        if progress:
            progress(min(CHUNK, len(data) - start))
    parts.append(decoder.decode(b"", final=True))
    return "".join(parts)


def read(data: bytes, progress: Callable[[int], None] | None = None) -> Table:
    """Parse a CSV file's bytes; raises Unreadable with the reason when it is empty or not a CSV."""
    if not data.strip():
        raise Unreadable("empty_file")
    text, encoding = decode(data, progress)
    if "\x00" in text:  # a NUL past the sniffed head: binary, and it would pass for an empty value later
        raise Unreadable("not_csv_binary", kind="binary")
    columns = text[: 1 << 20].split("\n", 1)[0].count(",") + 1  # quoted commas count too: only a bound
    if columns > MAX_COLUMNS:
        raise Unreadable("too_many_columns", columns=columns, limit=MAX_COLUMNS)
    with tempfile.TemporaryDirectory(prefix="innovisits-read-") as tmp:
        path = Path(tmp) / "upload.csv"
        path.write_text(text.replace("\r\n", "\n"), encoding="utf-8")  # one line end, in values too
        con = connect()
        try:
            relation = con.read_csv(
                str(path),
                header=True,
                all_varchar=True,
                delimiter=",",
                quotechar='"',
                escapechar='"',
                encoding="utf-8",
                null_padding=True,
                parallel=False,  # keeps file order (row numbers) and allows newlines in quotes
            )
            headers = list(relation.columns)
            rows = relation.df()
        except duckdb.Error as error:
            detail = str(error).replace(str(path), "the file").splitlines()[0][:200]
            raise Unreadable("not_csv", detail=detail) from error
    for column in rows.columns:  # trimmed text, empty as None
        text = rows[column].astype(object).where(rows[column].notna(), None).map(str.strip, na_action="ignore")
        rows[column] = text.where(text.fillna("") != "", None)
    rows = rows.dropna(how="all")
    rows.index = rows.index + 2  # row 1 is the header, as a spreadsheet numbers them
    if rows.empty:
        raise Unreadable("no_rows")
    return Table(headers, rows, encoding)
