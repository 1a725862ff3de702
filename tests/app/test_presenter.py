"""Presenter mode through AppTest on the known data: the sequence, next/previous, the slide number in the
URL, filters and language carried over from the URL, entering from the sidebar and leaving again."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from innovisits.i18n import t

PROJECT = Path(__file__).resolve().parents[2]
ENTRY = str(PROJECT / "tests" / "app" / "app_entry.py")
TITLES_ZH = ["InnoVisits 創科考察", "主要數字", "部門參與", "各城市的科技興趣", "最新考察重點", "資料來源及註釋"]


def app(query: dict) -> AppTest:
    at = AppTest.from_file(ENTRY, default_timeout=60)
    for key, value in query.items():
        at.query_params[key] = value
    return at.run()


def shown(at: AppTest) -> tuple[str, str, str]:
    """(title, slide counter, key number) as the audience reads them."""
    headers = [h.value for h in at.main.header]
    return at.main.title[0].value, headers[0], headers[1] if len(headers) > 1 else ""


@pytest.fixture
def known(known_csv_dir, data_env):
    return data_env(known_csv_dir)


def test_steps_through_the_sequence_in_chinese_with_url_filters(known):
    at = app({"present": "1", "lang": "zh", "city": "Shenzhen"})
    assert not at.exception
    assert len(at.sidebar) == 0  # no sidebar in presenter mode
    seen = [shown(at)]
    for _ in range(5):
        at.button(key="present_next").click().run()
        seen.append(shown(at))
    assert [s[0] for s in seen] == TITLES_ZH
    assert [s[1] for s in seen] == [f"{n} / 6" for n in range(1, 7)]
    assert [s[2] for s in seen[1:5]] == ["考察次數：2", "部門數目：3", "城市數目：1", "團員人次：2"]
    assert at.query_params["slide"] == "6"
    assert at.button(key="present_next").disabled
    at.button(key="present_previous").click().run()
    assert shown(at)[:2] == ("最新考察重點", "5 / 6")
    assert at.query_params["slide"] == "5"
    assert at.query_params["city"] == "Shenzhen" and at.query_params["lang"] == "zh"


def test_unfiltered_key_numbers(known):
    at = app({"present": "1", "slide": "2"})
    assert shown(at) == ("Key numbers", "2 / 6", "4 Visits")
    assert at.button(key="present_previous").disabled is False


@pytest.mark.parametrize(("slide", "number"), [("4", "4 / 6"), ("99", "6 / 6"), ("0", "1 / 6"), ("x", "1 / 6")])
def test_slide_number_from_the_url(known, slide, number):
    at = app({"present": "1", "slide": slide})
    assert not at.exception
    assert shown(at)[1] == number


def test_title_slide_names_filters(known):
    at = app({"present": "1", "city": "Dongguan", "lang": "zh"})
    assert "篩選：城市：東莞" in [s.value for s in at.subheader]


def test_no_visits_in_view_says_so(known):
    at = app({"present": "1", "slide": "3", "city": "Guangzhou", "kind": "public_body"})
    assert not at.exception
    assert "No visits match these filters\\." in [s.value for s in at.subheader]


def test_enter_from_the_sidebar_and_leave(known):
    at = app({})
    at.multiselect(key="filter_cities").set_value(["Shenzhen"]).run()
    at.button(key="present_open").click().run()
    assert at.query_params["present"] == "1" and at.query_params["slide"] == "1"
    at.button(key="present_next").click().run()
    assert shown(at) == ("Key numbers", "2 / 6", "2 Visits")
    at.button(key="present_exit").click().run()
    assert "present" not in at.query_params
    assert at.multiselect(key="filter_cities").value == ["Shenzhen"]  # the sidebar is back, filters kept
    assert shown(at) == ("Key numbers", "2 / 6", "2 Visits")  # the Slides page, where the talk stopped


def test_auto_advance_toggle_renders(known):
    at = app({"present": "1"})
    at.toggle(key="present_auto").set_value(True).run()
    assert not at.exception
    assert at.selectbox(key="present_seconds").value == 20


def test_plain_viewer_without_present_shows_first_slide(known):
    """As the contract check opens it: dashboard.py, then the page script on its own."""
    at = AppTest.from_file(str(PROJECT / "dashboard.py"), default_timeout=60).run()
    at.switch_page("pages/presenter.py").run()
    assert not at.exception
    assert shown(at)[:2] == ("InnoVisits", "1 / 6")


def test_every_chart_and_table_has_exports(known):
    at = app({})
    assert not at.get("download_button")  # a closed menu draws no buttons (panels.export_menu) ...
    menus = ("overview_over_time", "overview_departments", "overview_categories", "overview_newest")
    preparing = [c for c in at.caption if c.value == t("export_preparing", "en")]
    assert len(preparing) == len(menus)  # ... but says what an opening one is doing until they arrive
    for key in menus:  # opened, as a click on each Export menu does
        at.session_state[f"{key}_export"] = True
    at.run()
    assert not [c for c in at.caption if c.value == t("export_preparing", "en")]
    labels = [b.proto.label for b in at.get("download_button")]
    # three charts (PNG, SVG, CSV, XLSX each) and the newest-visits table (CSV, XLSX)
    assert labels.count("Chart as PNG") == 3 and labels.count("Chart as SVG") == 3
    assert labels.count("Table as CSV") == 4 and labels.count("Table as Excel (XLSX)") == 4


@pytest.mark.slow
def test_briefing_pack_from_presenter_mode_in_chinese(known):
    at = app({"present": "1", "lang": "zh"})
    at.button(key="pack_build").click().run(timeout=180)
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert "下載 PowerPoint（PPTX）" in labels and "下載 PDF" in labels


def test_the_briefing_choice_is_kept_in_the_url(known):
    """Two charts added in order: the URL names them, and a new session from that URL (a reload, a shared link)
    presents the same two charts, in that order, between the title and the sources."""
    at = app({})
    at.switch_page("../../pages/participation.py").run()
    at.button(key="participation_kinds_brief").click().run()
    at.button(key="participation_departments_brief").click().run()
    references = at.query_params["brief"]
    assert [r.rpartition(".")[0] for r in references] == ["participation_kinds", "participation_departments"]
    shared = app({"present": "1", "slide": "2", "brief": references})
    assert shown(shared)[:2] == ("Delegates by department kind", "2 / 4")
    shared.button(key="present_next").click().run()
    assert shown(shared)[:2] == ("Delegates by department", "3 / 4")
    assert shared.query_params["brief"] == references


def test_a_chosen_chart_the_server_forgot_is_drawn_again_by_its_page(known):
    at = app({"brief": "participation_kinds.0000000000000000"})
    at.switch_page("../../pages/presenter.py").run()
    assert shown(at)[1] == "1 / 6"  # nothing drawn yet: the default sequence, and a note saying why
    assert "1 more chosen chart shows once you open its page again." in [c.value for c in at.caption]
    at.switch_page("../../pages/participation.py").run()
    assert at.button(key="participation_kinds_brief").label == "Remove from briefing"
    at.switch_page("../../pages/presenter.py").run()
    assert shown(at)[:2] == ("InnoVisits", "1 / 3")
    assert at.query_params["brief"] != "participation_kinds.0000000000000000"
    assert at.query_params["brief"].startswith("participation_kinds.")
