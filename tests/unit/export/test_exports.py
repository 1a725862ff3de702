"""Exports opened with the libraries a reader would use: CSV and XLSX (formulas neutralised, values kept),
PNG (PIL: size, not blank) and SVG (Chinese labels present), rendered by kaleido on the system Chromium."""

import csv
import io
import time

import openpyxl
import pandas as pd
import pytest
from PIL import Image

from innovisits.export import formats
from innovisits.report import charts

HOSTILE = pd.DataFrame(
    {
        "host": ['=HYPERLINK("http://x")', "+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", "Safe 深圳"],
        "delegates": [1, -5, 3, 0, 2, 7, 4],
    }
)


def test_neutralise_only_text_that_a_spreadsheet_would_run():
    assert [formats.neutralise(v) for v in ("=1", "+1", "-1", "@a", "\tx", "\rx", "a=1", "", 5, -5)] == [
        "'=1", "'+1", "'-1", "'@a", "'\tx", "'\rx", "a=1", "", 5, -5
    ]  # fmt: skip


def test_csv_neutralises_and_keeps_chinese():
    data = formats.csv_bytes(HOSTILE)
    assert data.startswith(b"\xef\xbb\xbf")  # BOM, so Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["host", "delegates"]
    assert [r[0] for r in rows[1:]] == [
        '\'=HYPERLINK("http://x")',
        "'+1",
        "'-2+3",
        "'@SUM(A1)",
        "'\tTAB",
        "'\rCR",
        "Safe 深圳",
    ]
    assert [r[1] for r in rows[1:]] == ["1", "-5", "3", "0", "2", "7", "4"]


def test_xlsx_has_no_formulas_and_keeps_numbers():
    sheet = openpyxl.load_workbook(io.BytesIO(formats.xlsx_bytes(HOSTILE, "考察"))).active
    assert sheet.title == "考察"
    cells = list(sheet.iter_rows(min_row=2, values_only=False))
    assert all(row[0].data_type == "s" for row in cells)  # text, never "f" (formula)
    assert [row[0].value for row in cells][:4] == ['\'=HYPERLINK("http://x")', "'+1", "'-2+3", "'@SUM(A1)"]
    assert [row[1].value for row in cells] == [1, -5, 3, 0, 2, 7, 4]
    assert cells[-1][0].value == "Safe 深圳"


@pytest.fixture(scope="module")
def chinese_chart():
    data = pd.DataFrame({"department": ["EMSD", "FSD"], "department_zh": ["機電工程署", "消防處"], "delegates": [3, 2]})
    return charts.ranked_bars(
        data, key="department", label="department_zh", value="delegates", title="各部門團員人次", lang="zh"
    )


@pytest.mark.slow
def test_png_and_svg_of_a_chart(chinese_chart):
    started = time.perf_counter()
    png = formats.image(chinese_chart, "png")
    print(f"PNG export: {time.perf_counter() - started:.1f} s (includes starting Chromium)")
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.size == (2400, 2 * chinese_chart.layout.height)  # 1200 px wide at scale 2
    grey = image.convert("L")
    assert grey.getextrema()[0] < 80  # dark ink (bars, text) on the white page
    assert sum(grey.histogram()[:200]) > 0.01 * image.width * image.height  # not a blank page
    svg = formats.image(chinese_chart, "svg").decode("utf-8")
    assert svg.startswith("<svg") and "機電工程署" in svg and "各部門團員人次" in svg
