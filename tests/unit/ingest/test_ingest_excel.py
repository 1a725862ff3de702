"""Excel workbooks uploaded directly: the same checks and the same hand-worked answers as the CSV files in
tests/ingest_files.py (visit K5, three delegates, two categories), with cells typed as Excel stores them
(dates as dates, numbers as numbers) and problems named by sheet and by the row number Excel shows."""

import datetime
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from innovisits.data.store import Store
from innovisits.ingest import batches, templates
from innovisits.ingest.plan import Upload, prepare
from innovisits.ingest.reading import cell_text
from tests import ingest_files as f
from tests import known_data

DATE = datetime.datetime(2019, 3, 14)  # Excel stores a date as a date-time at midnight
VISIT = ["K5", DATE, "Shenzhen", "Lamp works", "enterprise", "Lamps, poles", "first line\nsecond line"]
VISIT_HEADER = ["visit_id", "visit_date", "city", "host", "visit_type", "title", "notes"]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return known_data.build(tmp_path / "data", "csv")


def xlsx(sheets: dict[str, list[list[object]]], start: str = "A1") -> bytes:
    """A workbook with one sheet a key, its rows written from cell `start` (typed cells, as Excel keeps them)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        column, row = openpyxl.utils.cell.coordinate_from_string(start)
        first = openpyxl.utils.cell.column_index_from_string(column)
        for r, values in enumerate(rows):
            for c, value in enumerate(values):
                if value is not None:
                    cell = sheet.cell(row + r, first + c, value)
                    if isinstance(value, datetime.datetime):
                        cell.number_format = "dd/mm/yyyy"  # shown the Hong Kong way, stored as a date
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def assert_known_answer(data: Path, uploads: list[Upload]) -> None:
    plan = prepare(uploads, data)
    assert plan.ok, [p.line() for p in plan.problems]
    assert (plan.before, plan.after, plan.counts()) == (f.BEFORE, f.AFTER, f.ADDED)
    assert batches.commit(plan, "tester")
    rows = Store(data).records("visit", visit_id="K5")
    stored = tuple(str(rows[0][k]) for k in VISIT_HEADER)
    assert stored == f.EXPECTED_VISIT


def test_a_visit_report_on_the_first_sheet(data):
    report = [
        [*VISIT_HEADER, "department", "role", "categories"],
        [*VISIT, "EMSD", "leader", "robotics; smart_pv"],
        [*VISIT, "FSD", "delegate", "robotics"],
        [*VISIT, "HA", "delegate", None],
    ]
    assert_known_answer(data, [Upload("report.xlsx", xlsx({"Report": report}))])


def test_one_sheet_a_table_with_chinese_headers_and_numbers_as_numbers(data):
    book = xlsx(
        {
            "考察": [
                ["考察編號", "日期", "城市", "接待機構", "類型", "主題", "備註"],
                [*VISIT[:4], "企業", *VISIT[5:]],
            ],
            "團員": [["考察", "部門"], ["K5", "機電署"], ["K5", "消防處"], ["K5", "醫院管理局"]],
            "科技": [["考察", "科技類別", "興趣（1–5）"], ["K5", "機械人及機械臂", 4.0], ["K5", "smart_pv", 5]],
            "Notes": [],  # an empty sheet is skipped
        }
    )
    assert_known_answer(data, [Upload("book.xlsx", book)])
    scores = Store(data).con.execute("select interest_score from visit_technologies where visit_id = 'K5'")
    assert sorted(s for (s,) in scores.fetchall()) == [4, 5]


def test_problems_name_the_sheet_and_the_row_excel_shows(data):
    rows = [
        ["visit_id", "department"],
        ["K1", "EMSD"],
        [None, None],  # a blank row: the next row is still numbered as Excel numbers it
        ["K1", "FDS"],
    ]
    plan = prepare([Upload("p.xlsx", xlsx({"Delegates": rows}, start="B3"))], data)
    assert [(p.file, p.row, p.column, p.value, p.code) for p in plan.problems] == [
        ("p.xlsx › Delegates", 6, "department", "FDS", "unknown_department")
    ]


def test_a_broken_workbook_is_refused_with_a_reason(data):
    plan = prepare([Upload("book.xlsx", b"PK\x03\x04" + bytes(200))], data)
    assert [(p.file, p.code) for p in plan.problems] == [("book.xlsx", "not_csv_binary")]
    assert "（看來是 .xlsx、.docx 等壓縮檔）" in plan.problems[0].reason("zh")
    assert "(it looks like a zip file such as .xlsx, .docx)" in plan.problems[0].reason("en")


def test_a_workbook_without_data_rows_is_refused(data):
    plan = prepare([Upload("empty.xlsx", xlsx({"Visits": [VISIT_HEADER]}))], data)
    assert [(p.file, p.code) for p in plan.problems] == [("empty.xlsx", "no_rows")]


@pytest.mark.parametrize(
    ("cell", "text"),
    [
        (datetime.datetime(2019, 3, 14), "2019-03-14"),
        (datetime.date(2019, 3, 14), "2019-03-14"),
        (datetime.datetime(2019, 3, 14, 9, 30), "2019-03-14 09:30:00"),
        (4.0, "4"),
        (4.5, "4.5"),
        (12, "12"),
        (True, "TRUE"),
        ("", None),
        ("text", "text"),
    ],
)
def test_cells_become_the_text_a_csv_export_holds(cell, text):
    assert cell_text(cell) == text


def test_the_command_line_ingests_a_workbook_and_names_sheet_and_row(data, tmp_path, cli_env):
    from tests.unit.cli.test_cli import run_cli

    rows = [["visit_id", "department"], ["K1", "EMSD"], ["K1", "FDS"]]
    bad = f.write(tmp_path, "bad.xlsx", xlsx({"Delegates": rows}))
    result = run_cli(cli_env(data), "ingest", str(bad))
    assert result.returncode == 1
    assert result.stderr.splitlines()[0].startswith(
        "bad.xlsx › Delegates, row 3, column 'department': value 'FDS': unknown department (closest known: FSD"
    )
    good = f.write(tmp_path, "good.xlsx", xlsx({"Delegates": rows[:2]}))
    stored = run_cli(cli_env(data), "ingest", str(good))
    assert stored.returncode == 0 and stored.stdout.startswith("stored batch "), stored.stderr
    assert "participants +1" in stored.stdout


def test_the_excel_template_filled_on_one_sheet_uploads(data):
    """The template has a sheet a table, header only; a person fills the visits sheet and leaves the others."""
    names = {"visits": "考察", "participants": "團員", "visit_technologies": "所見科技類別", "follow_ups": "跟進項目"}
    book = openpyxl.load_workbook(io.BytesIO(templates.workbook(names)))
    assert book.sheetnames == list(names.values())
    assert [c.value for c in book["考察"][1]] == [*VISIT_HEADER, "host_zh", "title_zh", "notes_zh"]
    book["考察"].append([*VISIT, "燈柱廠", "智慧燈柱", None])
    out = io.BytesIO()
    book.save(out)
    plan = prepare([Upload("template.xlsx", out.getvalue())], data)
    assert plan.ok, [p.line() for p in plan.problems]
    assert ([info.name for info in plan.files], plan.counts()) == (["template.xlsx › 考察"], {"visits": 1})


def test_the_quote_an_export_puts_before_a_formula_is_removed(data):
    """formats.neutralise writes '=… so Excel shows a formula-like title as text; uploaded again it is the title."""
    from innovisits.export.formats import csv_bytes

    visit = {"visit_id": "K5", "visit_date": "2019-03-14", "city": "Shenzhen", "title": "=1+1", "notes": "'Quoted'"}
    exported = csv_bytes(pd.DataFrame([visit]))
    assert b"'=1+1" in exported
    plan = prepare([Upload("v.csv", exported)], data)
    assert plan.ok, [p.line() for p in plan.problems]
    assert list(plan.new["visits"][["title", "notes"]].iloc[0]) == ["=1+1", "'Quoted'"]
