"""The insight pages through AppTest on the known data with follow-ups: the numbers and sentences a person
reads, in both languages, with the global filters from the URL, on dirty and on empty data directories."""

import json
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests import insights_data
from tests.app import open_tables

ENTRY = str(Path(__file__).resolve().parent / "app_entry.py")
PAGES = {
    "../../pages/affinity.py": ("Department × technology affinity", "部門與科技的關聯"),
    "../../pages/follow_ups.py": ("Follow-up tracker", "跟進追蹤"),
    "../../pages/map.py": ("Map of the Greater Bay Area", "大灣區地圖"),
    "../../pages/trends.py": ("Trends", "趨勢"),
    "../../pages/data_quality.py": ("Data quality", "數據質素"),
}


def app(page: str, query: dict | None = None) -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    at.run()
    return open_tables(at.switch_page(page).run())


def sentences(at: AppTest) -> list[str]:
    """The highlight sentences as a person reads them (markdown escapes removed, one a bullet)."""
    text = "\n".join(m.value for m in at.markdown if m.value.startswith("- "))
    return [re.sub(r"\\(.)", r"\1", line.removeprefix("- ")) for line in text.splitlines()]


@pytest.fixture
def known(tmp_path, data_env):
    return data_env(insights_data.build(tmp_path / "data", "mixed"))


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("data", ["known", "sample", "empty"])
def test_every_insight_page_renders(tmp_path, data_env, monkeypatch, data, lang):
    if data == "known":
        data_env(insights_data.build(tmp_path / "data", "mixed"))
    elif data == "empty":
        data_env(tmp_path)
    else:
        monkeypatch.delenv("INNOVISITS_DATA_DIR", raising=False)
    at = AppTest.from_file(ENTRY, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    for page, titles in PAGES.items():
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert at.title[0].value == titles[lang == "zh"]


def test_affinity_highlights_and_threshold(known):
    at = app("../../pages/affinity.py")
    assert sentences(at) == [
        "Fire Services Department: 1.7× average exposure to Robots and robotic arms (3 of 3 delegates)"
    ]
    at.slider(key="insight_min_support").set_value(1).run()
    assert (
        sentences(at)[1]
        == "Hospital Authority: 1.7× average exposure to Smart photovoltaic generation (1 of 2 delegates)"
    )
    table = at.dataframe[0].value
    fsd = table[(table["Code (Department)"] == "FSD") & (table["Code (Technology category)"] == "robotics")].iloc[0]
    assert (fsd["Share of delegates exposed"], fsd["Lift over average"]) == (1.0, 1.67)
    at.segmented_control(key="insight_metric").set_value("exposure_share").run()
    assert not at.exception


def test_affinity_in_chinese_with_a_filter(known):
    at = app("../../pages/affinity.py", {"lang": "zh", "city": "Shenzhen"})
    # In Shenzhen every delegate saw robotics (lift 1.0); no pair reaches 3 exposed delegates and 1.5×.
    assert any("沒有突出的部門" in i.value for i in at.info)
    at.slider(key="insight_min_support").set_value(1).run()
    assert "醫院管理局：接觸物聯網及數據平台的比率為平均的 1.5×（1 名團員中 1 名）" in sentences(at)


def test_follow_up_funnel_page(known):
    at = app("../../pages/follow_ups.py")
    assert at.selectbox(key="followup_category").value == "smart_pv"
    funnel = at.dataframe[0].value.set_index("Code")
    assert list(funnel.loc["robotics", ["Exposed on visits", "Idea", "Trial", "Pilot", "Adopted"]]) == [3, 3, 1, 1, 0]
    follow_ups = at.dataframe[1].value
    assert list(follow_ups["Status"][:2]) == ["Adopted", "Pilot"]
    assert list(follow_ups["Exposed on a visit"]).count(False) == 1
    at.selectbox(key="followup_category").set_value("robotics").run()
    assert not at.exception


def test_follow_up_page_with_filters_in_chinese(known):
    at = app("../../pages/follow_ups.py", {"lang": "zh", "dept": "FSD", "to": "2019-03-15"})
    funnel = at.dataframe[0].value.set_index("代號")
    assert list(funnel.loc["robotics", ["曾在考察中接觸", "構思", "試用", "試點", "採用"]]) == [1, 1, 1, 0, 0]
    assert list(at.dataframe[1].value["階段"]) == ["試用", "構思"]


def test_follow_up_page_without_follow_ups_offers_the_template(tmp_path, data_env):
    from tests import known_data

    data_env(known_data.build(tmp_path / "data", "csv"))
    at = app("../../pages/follow_ups.py")
    assert any("No follow-ups recorded yet" in i.value for i in at.info)
    funnel = at.dataframe[0].value.set_index("Code")
    assert funnel.loc["iot_data_platforms", "Exposed on visits"] == 4


def test_map_numbers_and_unplaced_city(tmp_path, data_env):
    directory = insights_data.build_dirty(tmp_path / "data")
    data_env(directory)
    at = app("../../pages/map.py")
    table = at.dataframe[0].value.set_index("City")
    # K1 is there twice (a duplicate visit id) with five delegate rows (one a duplicate) each time, plus K3's
    # two: the inflated numbers the data-quality page flags.
    assert (table.loc["Shenzhen", "Visits"], table.loc["Shenzhen", "Delegates"]) == (3, 12)
    assert "Atlantis" in at.warning[0].value


def test_map_follows_the_city_filter_in_chinese(known):
    """The map keeps its context: every city with its numbers, the chosen one strong and the others faint."""
    at = app("../../pages/map.py", {"lang": "zh", "city": "Dongguan"})
    table = at.dataframe[0].value.set_index("城市")
    assert table.loc["東莞", "團員人次"] == 1
    assert table.loc["深圳", "團員人次"] == 6
    bubbles = json.loads(at.get("plotly_chart")[0].proto.spec)["data"][1]
    opacity = dict(zip(bubbles["customdata"], bubbles["marker"]["opacity"], strict=True))
    assert opacity["Dongguan"] > opacity["Shenzhen"]


def test_trends_granularity_switch(known):
    at = app("../../pages/trends.py", {"dept": "HA"})
    table = at.dataframe[0].value
    assert list(table["Visits"]) == [1, 0, 1]
    assert list(table["First-time departments"]) == [1, 0, 0]
    assert list(table["Returning departments"]) == [0, 0, 1]
    at.segmented_control(key="trend_granularity").set_value("quarter").run()
    table = at.dataframe[0].value
    assert (list(table["Visits"]), list(table["Departments reached (cumulative)"])) == ([2], [1])
    assert at.get("plotly_chart")[0].proto.spec and "per quarter" in at.get("plotly_chart")[0].proto.spec


def test_data_quality_page_shows_the_rows_behind_each_check(tmp_path, data_env):
    data_env(insights_data.build_dirty(tmp_path / "data"))
    at = app("../../pages/data_quality.py")
    assert at.metric[0].value == "1 May 2019"  # dates written as everywhere else in the language
    labels = [e.label for e in at.expander]
    assert "Visits to cities not in the cities table: 1" in labels
    assert "Duplicate rows: 3" in labels
    assert "Follow-ups with an unknown department, category or status: 3" in labels
    tables = {t.value.shape for t in at.dataframe}
    assert (10, 5) in tables  # rows per file: ten files, five columns
    listing = next(t for t in at.dataframe if "source_file" in t.value.columns)
    files = listing.value
    assert list(files.loc[files["source_file"] == "visits/part-9.csv", "n_rows"]) == [2]
    assert '"label": "File"' in listing.proto.columns  # headers shown in the chosen language


def test_data_quality_on_clean_data_in_chinese(known):
    at = app("../../pages/data_quality.py", {"lang": "zh"})
    assert at.metric[0].value == "2019年3月15日"
    assert all(e.label.endswith("：沒有") for e in at.expander if e.label != "圖表背後的數字")
