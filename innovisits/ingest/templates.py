"""Downloadable CSV templates (header row only) and filled examples, one of each per uploadable kind,
made from the rules so they always match what the upload accepts. UTF-8 with BOM: Excel opens it with
Chinese intact."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping

from innovisits.ingest.rules import REPORT, REPORT_EXAMPLE, TABLES

KINDS = (REPORT.name, *TABLES)


def columns(kind: str) -> list[str]:
    return REPORT.columns() if kind == REPORT.name else [c.name for c in TABLES[kind].columns()]


def _csv(kind: str, rows: tuple[Mapping[str, str], ...]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns(kind), lineterminator="\r\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")


def template(kind: str) -> bytes:
    return _csv(kind, ())


def example(kind: str) -> bytes:
    return _csv(kind, REPORT_EXAMPLE if kind == REPORT.name else TABLES[kind].example)


def workbook(sheet_names: Mapping[str, str]) -> bytes:
    """An Excel template: one sheet a table (named by `sheet_names`, table -> name), header row only. Staff
    fill the sheets they need; sheets left with only their header are skipped on upload."""
    import openpyxl  # only when the template is asked for

    book = openpyxl.Workbook()
    book.remove(book.active)
    for table in TABLES:
        sheet = book.create_sheet(sheet_names.get(table, table)[:31])
        sheet.append(columns(table))
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
