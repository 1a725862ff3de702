"""Every page through Streamlit's AppTest, on the known data: the numbers a person reads, filters from the
URL and from the sidebar, both languages, empty and broken data directories."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from innovisits.data.store import data_version
from innovisits.ui.data import _stores
from tests.app import open_tables

ENTRY = str(Path(__file__).resolve().parent / "app_entry.py")
PAGES = [
    "../../pages/overview.py",
    "../../pages/participation.py",
    "../../pages/interest.py",
    "../../pages/explorer.py",
]
TITLES = {
    "en": ["Overview", "Departmental participation", "Technology interest by city", "Visit explorer"],
    "zh": ["總覽", "部門參與", "各城市的科技興趣", "考察紀錄瀏覽"],
}


def app(query: dict | None = None) -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=60)
    for key, value in (query or {}).items():
        at.query_params[key] = value
    return at.run()


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.fixture
def known(known_csv_dir, data_env):
    return data_env(known_csv_dir)


def test_overview_metrics(known):
    at = app()
    assert not at.exception
    assert metrics(at) == {"Visits": "4", "Delegates": "10", "Departments": "4", "Cities": "3"}


def test_overview_metrics_in_chinese(known):
    at = app({"lang": "zh"})
    assert metrics(at) == {"考察次數": "4", "團員人次": "10", "部門數目": "4", "城市數目": "3"}
    assert at.title[0].value == "總覽"


def test_filters_from_url(known):
    at = app({"city": "Shenzhen"})
    assert metrics(at) == {"Visits": "2", "Delegates": "6", "Departments": "3", "Cities": "1"}
    assert at.multiselect(key="filter_cities").value == ["Shenzhen"]


def test_date_filters_from_url(known):
    at = app({"from": "2019-01-15", "to": "2019-02-28"})
    assert metrics(at) == {"Visits": "2", "Delegates": "5", "Departments": "3", "Cities": "2"}


def test_sidebar_filter_updates_numbers_and_url(known):
    at = app()
    at.multiselect(key="filter_departments").set_value(["FSD"]).run()
    assert metrics(at) == {"Visits": "2", "Delegates": "3", "Departments": "1", "Cities": "1"}
    assert at.query_params["dept"] == "FSD"
    at.multiselect(key="filter_kinds").set_value(["public_body"]).run()
    assert metrics(at)["Visits"] == "0"
    assert any("No visits match these filters" in i.value for i in at.info)


def test_clear_filters(known):
    at = app({"city": "Dongguan"})
    assert metrics(at)["Visits"] == "1"
    next(b for b in at.sidebar.button if b.label == "Clear filters").click().run()
    assert metrics(at)["Visits"] == "4"
    assert "city" not in at.query_params


def test_unknown_url_values_are_ignored(known):
    at = app({"city": "Atlantis", "from": "not-a-date", "lang": "xx"})
    assert not at.exception
    assert metrics(at)["Visits"] == "4"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_page_renders(known, lang):
    at = app({"lang": lang})
    for page, title in zip(PAGES, TITLES[lang], strict=True):
        at.switch_page(page).run()
        assert not at.exception, (page, [e.value for e in at.exception])
        assert at.title[0].value == title


def test_participation_numbers_table(known):
    at = app()
    open_tables(at.switch_page("../../pages/participation.py").run())
    table = at.dataframe[0].value
    assert list(table["Code"]) == ["EMSD", "FSD", "HA", "HKUST"]
    assert list(table["Delegates"]) == [3, 3, 2, 2]


def test_participation_in_chinese_names_departments_in_chinese(known):
    at = app({"lang": "zh"})
    open_tables(at.switch_page("../../pages/participation.py").run())
    table = at.dataframe[0].value
    assert "消防處" in list(table["部門"])
    kinds = at.dataframe[1].value
    assert set(kinds["類別"]) == {"政府部門", "主辦單位", "學術界", "公營機構"}


def test_interest_metric_switch(known):
    at = app()
    open_tables(at.switch_page("../../pages/interest.py").run())
    matrix = at.dataframe[0].value
    shenzhen_robotics = matrix[(matrix["City"] == "Shenzhen") & (matrix["Code"] == "robotics")].iloc[0]
    assert (shenzhen_robotics["Visits"], shenzhen_robotics["Delegates exposed"]) == (2, 6)
    at.segmented_control(key="interest_metric").set_value("mean_interest_score").run()
    assert not at.exception
    at.selectbox(key="interest_city").set_value("Dongguan").run()
    ranked = at.dataframe[1].value
    assert list(ranked["Code"]) == ["smart_pv"]


def test_explorer_search_and_detail(known):
    at = app()
    open_tables(at.switch_page("../../pages/explorer.py").run())
    assert list(at.dataframe[0].value["Visit"]) == ["K4", "K3", "K2", "K1"]
    at.text_input(key="explorer_search").input("robot").run()
    assert list(at.dataframe[0].value["Visit"]) == ["K3", "K1"]
    open_tables(at.selectbox(key="explorer_visit").set_value("K1").run())
    delegation = at.dataframe[2].value
    assert list(zip(delegation["Code"], delegation["Delegates"], strict=True)) == [("FSD", 2), ("EMSD", 1), ("HA", 1)]
    categories = at.dataframe[3].value
    assert list(categories["Code"]) == ["robotics", "iot_data_platforms"]


def test_explorer_shows_markup_as_text(tmp_path, data_env):
    from tests import known_data

    directory = known_data.build(tmp_path / "data", "csv")
    (directory / "visits.csv").write_text(
        "visit_id,visit_date,city,host,visit_type,title\nX1,2019-01-01,Shenzhen,Host,enterprise,**bold** [link](http://x)\n",
        encoding="utf-8",
    )
    data_env(directory)
    at = app()
    open_tables(at.switch_page("../../pages/explorer.py").run())
    assert at.subheader[0].value == r"\*\*bold\*\* \[link\]\(http\://x\)"


@pytest.mark.parametrize("page", PAGES)
def test_empty_data_directory(tmp_path, data_env, page):
    data_env(tmp_path)
    at = app()
    at.switch_page(page).run()
    assert not at.exception
    if page != "../../pages/explorer.py":
        assert any("There is no visit data yet" in i.value for i in at.info)


def test_unreadable_data_shows_a_message_not_a_traceback(tmp_path, data_env):
    (tmp_path / "visits.csv").write_text("visit_id,visit_date,city\nX1,2019-13-45,Shenzhen\n", encoding="utf-8")
    data_env(tmp_path)
    at = app()
    assert not at.exception
    assert "visits.csv" in at.error[0].value


def test_new_file_shows_on_the_rerun_after_its_version_is_built(known, tmp_path):
    at = app()
    assert metrics(at)["Visits"] == "4"
    extra = known / "visits" / "part-2.csv"
    extra.write_text(
        "visit_id,visit_date,city,host,visit_type\nK5,2019-04-01,Zhuhai,New host,enterprise\n", encoding="utf-8"
    )
    at.run()  # answered from the version it shows while the new one is built (tests/app/test_new_version.py)
    _stores(str(known)).current(data_version(known), wait=True)
    at.run()
    assert metrics(at)["Visits"] == "5"
    assert metrics(at)["Cities"] == "4"


def test_sample_data_is_labelled_illustrative(monkeypatch):
    monkeypatch.delenv("INNOVISITS_DATA_DIR", raising=False)
    at = app()
    assert "not official figures" in at.caption[0].value
    assert metrics(at)["Visits"] == "12"
