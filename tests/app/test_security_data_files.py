"""Extreme dates and bad files (issue 16, items 3 and 6), generated here. Uploads with a date outside the
accepted range are refused with file, row and column, through `prepare` and the CLI, never a pandas
traceback; the range is a setting. A file placed straight in the data directory with such a date, a bad
date, a misspelt column or corrupt Parquet names the file and column, shows no server path and no SQL, and
leaves the Data quality and Staff pages working (AppTest)."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from innovisits.data import config
from innovisits.data.store import DataError, Store
from innovisits.ingest.plan import Upload, prepare
from tests import corpus, known_data
from tests.app.test_upload_pages import HASH, PASSWORD

ENTRY = str(Path(__file__).resolve().parent / "app_entry.py")
HEADER = "visit_id,visit_date,city,host,visit_type,title,notes\n"
EXTREME = ["0001-01-01", "01/01/0001", "14/03/1500", "31/12/9999", "9999-12-31"]
NORMALISED = {"01/01/0001": "0001-01-01", "14/03/1500": "1500-03-14", "31/12/9999": "9999-12-31"}
SQL_OR_PATH = re.compile(r"LINE \d|SELECT|CAST\(|/tmp/|/home/|Traceback|constraint", re.IGNORECASE)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return known_data.build(tmp_path / "data", "csv")


def upload(written_date: str) -> Upload:
    return Upload("v.csv", f"{HEADER}K9,{written_date},Shenzhen,h,enterprise,t,\n".encode())


# ------------------------------------------------------------------------------------------ uploads


@pytest.mark.parametrize("written", EXTREME)
def test_extreme_dates_are_refused_with_file_row_and_column(data, written):
    plan = prepare([upload(written)], data)
    assert [(p.file, p.row, p.column, p.value, p.code) for p in plan.problems] == [
        ("v.csv", 2, "visit_date", NORMALISED.get(written, written), "date_out_of_range")
    ]
    assert "outside the accepted range 1990-01-01 to" in plan.problems[0].line()
    assert "接受範圍" in plan.problems[0].reason("zh")


def test_dates_inside_the_range_and_other_formats_still_read(data):
    for written, stored in (("2019-03-14", "2019-03-14"), ("14/3/2019", "2019-03-14"), ("2019年3月14日", "2019-03-14")):
        plan = prepare([upload(written)], data)
        assert plan.ok and plan.new["visits"]["visit_date"][0] == stored, plan.problems


def test_not_a_date_is_still_a_bad_date(data):
    for written in ("0000-00-00", "99999-03-14", "2019-02-30", "yesterday"):
        assert [p.code for p in prepare([upload(written)], data).problems] == ["bad_date"], written


def test_the_range_is_a_setting(data, monkeypatch):
    assert config.date_range(date(2026, 5, 1)) == (date(1990, 1, 1), date(2027, 12, 31))
    monkeypatch.setenv("INNOVISITS_DATE_RANGE", "2019-03-15..2030-12-31")
    assert config.date_range() == (date(2019, 3, 15), date(2030, 12, 31))
    assert prepare([upload("2019-03-14")], data).problems[0].params == {
        "first": date(2019, 3, 15),
        "last": date(2030, 12, 31),
    }
    monkeypatch.setenv("INNOVISITS_DATE_RANGE", "..2019-03-14")
    assert config.date_range()[0] == date(1990, 1, 1) and prepare([upload("2019-03-14")], data).ok
    for wrong in ("1990", "2030-01-01..1990-01-01", "soon..later"):
        monkeypatch.setenv("INNOVISITS_DATE_RANGE", wrong)
        with pytest.raises(config.ConfigError, match="INNOVISITS_DATE_RANGE"):
            config.date_range()


@pytest.mark.parametrize("written", ["0001-01-01", "31/12/9999"])
def test_cli_refuses_extreme_dates_without_a_traceback(data, tmp_path, cli_env, written):
    path = tmp_path / "v.csv"
    path.write_bytes(upload(written).data)
    result = subprocess.run(
        [sys.executable, "-m", "innovisits", "ingest", str(path)],
        env=cli_env(data),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "v.csv, row 2, column 'visit_date'" in result.stderr and "outside the accepted range" in result.stderr


def test_a_huge_score_is_echoed_as_written(data):
    huge = "99999999999999999999999"
    plan = prepare([Upload("s.csv", f"visit id,category id,interest score\nK1,robotics,{huge}\n".encode())], data)
    assert [(p.row, p.value, p.code) for p in plan.problems] == [(2, huge, "out_of_range")]


# ------------------------------------------------------------------------------ files in the data dir

BAD_FILES = corpus.DATA_DIR_FILES


def bad_dir(root: Path, case: str) -> tuple[Path, str]:
    data = known_data.build(root / "data", "mixed")
    relative, content, _ = BAD_FILES[case]
    target = data / relative
    target.parent.mkdir(exist_ok=True)
    target.write_bytes(content)
    return data, relative


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_is_named_with_its_column_without_sql_or_server_paths(tmp_path, case):
    data, relative = bad_dir(tmp_path, case)
    with pytest.raises(DataError) as raised:
        Store(data)
    message = str(raised.value)
    assert message.startswith(relative), message
    if BAD_FILES[case][2]:
        assert BAD_FILES[case][2] in message
    assert not SQL_OR_PATH.search(message), message


def test_a_far_date_never_reaches_the_period_charts(tmp_path):
    """The store refuses it, so Trends never lays out 95,774 months; within the range it is read as usual."""
    data, _ = bad_dir(tmp_path, "far date")
    with pytest.raises(DataError, match="outside the accepted range"):
        Store(data)
    (data / "visits" / "extra.csv").write_text(HEADER + "X1,2027-12-31,Shenzhen,h,enterprise,t,\n", encoding="utf-8")
    months = Store(data).records("trends", granularity="month")
    assert len(months) == (2027 - 2019) * 12 + 12  # January 2019 to December 2027


def app(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.secrets["staff"] = {"accounts": {"alice": HASH}}
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def texts(at: AppTest) -> str:
    shown = [*at.error, *at.caption, *at.markdown, *at.info, *at.warning, *at.success, *at.title]
    return "\n".join(str(e.value) for e in shown)


@pytest.mark.parametrize("case", ["far date", "misspelt column", "corrupt parquet"])
def test_a_bad_file_leaves_data_quality_and_sign_in_working(tmp_path, data_env, case):
    data, relative = bad_dir(tmp_path, case)
    data_env(data)
    at = app()  # the Overview needs the data: it says which file, and stops
    assert not at.exception
    assert relative in at.error[0].value and not SQL_OR_PATH.search(texts(at)) and str(tmp_path) not in texts(at)
    at.switch_page("../../pages/data_quality.py").run()
    assert not at.exception and at.title[0].value == "Data quality"
    assert relative in at.error[0].value and "Data quality and Staff pages still work" in texts(at)
    at.switch_page("../../pages/sign_in.py").run()
    assert not at.exception and not at.error
    at.text_input(key="sign_in_user").input("alice")
    at.text_input(key="sign_in_password").input(PASSWORD)
    at.button[0].click().run()
    assert "Signed in as alice." in texts(at)
    at.switch_page("../../pages/staff/history.py").run()
    assert not at.exception and not at.error


def test_the_message_is_in_chinese_too(tmp_path, data_env):
    data, relative = bad_dir(tmp_path, "misspelt column")
    data_env(data)
    at = app({"lang": "zh"})
    assert at.error[0].value.startswith("無法讀取數據：" + relative) and "「數據質素」" in texts(at)
