"""Visit records in both languages: optional host_zh, title_zh and notes_zh are uploaded and stored, and
every place that shows a visit (Explorer table and record, slides, exports, templates) shows the page's own
language, falling back to the other. Known data (K1-K4, English only) plus K5, uploaded with Chinese host and
title but English-only notes, on 2019-04-01 (the newest visit, so the slides' latest)."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from innovisits.data.filters import Filters
from innovisits.data.store import Store
from innovisits.i18n import own_text
from innovisits.ingest import batches, templates
from innovisits.ingest.plan import Upload, prepare
from innovisits.report import slides
from tests import known_data
from tests.app.test_pages import app

K5 = (
    "visit_id,visit_date,city,host,host_zh,visit_type,title,title_zh,notes,notes_zh\n"
    "K5,2019-04-01,深圳,Lamp works,燈柱廠,enterprise,Smart lamps,智慧燈柱,Bring the catalogue,\n"
)


@pytest.fixture
def bilingual(tmp_path: Path, data_env) -> Path:
    directory = known_data.build(tmp_path / "data", "csv")
    plan = prepare([Upload("k5.csv", K5.encode())], directory)
    assert plan.ok, [p.line() for p in plan.problems]
    assert batches.commit(plan, "tester")
    return data_env(directory)


@pytest.mark.parametrize(
    ("record", "lang", "shown"),
    [
        ({"title": "Lamps", "title_zh": "燈柱"}, "en", "Lamps"),
        ({"title": "Lamps", "title_zh": "燈柱"}, "zh", "燈柱"),
        ({"title": "Lamps", "title_zh": None}, "zh", "Lamps"),  # no Chinese: the English
        ({"title": "", "title_zh": "燈柱"}, "en", "燈柱"),  # no English: the Chinese
        ({"title": "Lamps"}, "zh", "Lamps"),  # a table without the column
        ({"title": None, "title_zh": " "}, "en", None),
    ],
)
def test_each_language_shows_its_own_falling_back_to_the_other(record, lang, shown):
    assert own_text(record, "title", lang) == shown


def test_both_languages_are_stored(bilingual):
    (row,) = Store(bilingual).records("visit", visit_id="K5")
    assert (row["host"], row["host_zh"], row["title"], row["title_zh"], row["notes"], row["notes_zh"]) == (
        "Lamp works",
        "燈柱廠",
        "Smart lamps",
        "智慧燈柱",
        "Bring the catalogue",
        None,
    )


@pytest.mark.parametrize(
    ("lang", "where"),
    [("en", "1 Apr 2019 · Shenzhen · Lamp works · Smart lamps"), ("zh", "2019年4月1日 · 深圳 · 燈柱廠 · 智慧燈柱")],
)
def test_the_latest_visit_slide_in_each_language(bilingual, lang, where):
    built = slides.build(slides.store_query(Store(bilingual)), Filters(), lang)
    latest = {s.name: s for s in built.slides}["latest_visit"]
    assert latest.subtitle[0] == where


def explorer(lang: str) -> AppTest:
    """The Explorer with the newest visit, K5, open (the picker's first choice)."""
    at = app({"lang": lang})
    at.switch_page("../../pages/explorer.py").run()
    assert at.selectbox(key="explorer_visit").value == "K5"
    return at


def record(at: AppTest) -> dict[str, str]:
    table = at.dataframe[1].value
    return dict(zip(table.iloc[:, 0], table.iloc[:, 1], strict=True))


def test_the_explorer_in_chinese_shows_chinese_and_falls_back_to_english(bilingual):
    at = explorer("zh")
    visits = at.dataframe[0].value
    assert list(visits.columns).count("主題") == 1 and "主題（中文）" not in visits.columns
    assert dict(zip(visits["考察"], visits["主題"], strict=True))["K5"] == "智慧燈柱"
    assert dict(zip(visits["考察"], visits["主題"], strict=True))["K4"] == "Solar roofs"  # English only
    shown = record(at)
    assert (shown["接待機構"], shown["主題"], shown["備註"]) == ("燈柱廠", "智慧燈柱", "Bring the catalogue")
    assert at.subheader[0].value == "智慧燈柱"


def test_the_explorer_in_english_shows_english(bilingual):
    shown = record(explorer("en"))
    assert (shown["Host"], shown["Title"], shown["Notes"]) == ("Lamp works", "Smart lamps", "Bring the catalogue")


def test_templates_carry_the_chinese_columns():
    header = templates.template("visits").decode("utf-8-sig").splitlines()[0].split(",")
    assert header[-3:] == ["host_zh", "title_zh", "notes_zh"]
    example = templates.example("visits").decode("utf-8-sig")
    assert "智慧燈柱" in example
