"""The dashboard as a manager uses it, in Chromium over the known data set (tests/known_data.py, answers worked
out by hand there): every page in both languages, the numbers on them, sidebar filters, a chart click that
filters every page, a copied link that reopens the same view, and a deep link to a freshly started server."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Browser, Page, expect

from innovisits import i18n
from innovisits.bench import browser as bench_browser
from tests import known_data
from tests.browser import kit

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

TITLES = {
    "en": {
        "overview": "Overview",
        "participation": "Departmental participation",
        "interest": "Technology interest by city",
        "explorer": "Visit explorer",
        "presenter": "Slides",
    },
    "zh": {
        "overview": "總覽",
        "participation": "部門參與",
        "interest": "各城市的科技興趣",
        "explorer": "考察紀錄瀏覽",
        "presenter": "簡報頁",
    },
}
HEADINGS = {"presenter": {"en": "InnoVisits", "zh": "InnoVisits 創科考察"}}  # a page titled by its first slide
OPEN_VISIT = {"en": "Open a visit", "zh": "查看考察"}
ALL = {"Visits": "4", "Delegates": "10", "Departments": "4", "Cities": "3"}
ALL_ZH = {"考察次數": "4", "團員人次": "10", "部門數目": "4", "城市數目": "3"}
SHENZHEN = {"Visits": "2", "Delegates": "6", "Departments": "3", "Cities": "1"}  # K1 + K3
FSD_ONLY = {"Visits": "2", "Delegates": "3", "Departments": "1", "Cities": "1"}  # FSD went on K1 (2) and K3 (1)


def table_column(page: Page, header: str, nth: int = 0) -> list[str]:
    """One column of the n-th visible table having that header, as its cells read (Streamlit's grid keeps an
    accessible copy of its canvas in a hidden <table>, which is also what a screen reader reads)."""
    header_cell = page.locator("th").filter(has_text=re.compile(f"^{re.escape(header)}$"))
    grid = page.get_by_test_id("stDataFrame").filter(visible=True).filter(has=header_cell).nth(nth).locator("table")
    expect(grid.locator("tbody td").first).to_be_attached()
    column = grid.locator("th").all_inner_texts().index(header) + 1
    return grid.locator(f'tbody td[aria-colindex="{column}"]').all_inner_texts()


def test_overview_numbers_in_both_languages(page: Page, known_server: kit.Server):
    kit.open_page(page, known_server.url)
    expect(page.locator("h1")).to_have_text("Overview")
    kit.expect_metrics(page, ALL)
    # Newest visits first, dates written the English way.
    assert table_column(page, "Visit") == ["K4", "K3", "K2", "K1"]
    kit.sidebar(page).get_by_role("radio", name="繁體中文").click()
    expect(page.locator("h1")).to_have_text("總覽")
    kit.wait_for_run(page)
    kit.expect_metrics(page, ALL_ZH)
    assert "lang=zh" in page.url


def test_every_list_filter_survives_a_language_switch_there_and_back(page: Page, known_server: kit.Server):
    """Streamlit's multiselect sends back the chosen options by the words it showed, and a language switch
    changes the words (a department kind chosen in Chinese was lost on the way back to English). Each chip
    reads in the new language, the numbers stay those of the filters, and so does the link."""
    kit.open_page(page, known_server.url, query="city=Shenzhen&kind=government&dept=FSD")
    kit.expect_metrics(page, FSD_ONLY)
    filters = kit.sidebar(page).get_by_test_id("stMultiSelect")
    for language, chips, numbers in (
        ("繁體中文", ["深圳", "政府部門", "FSD · 消防處"], dict(zip(ALL_ZH, FSD_ONLY.values(), strict=True))),
        ("English", ["Shenzhen", "Government", "FSD · Fire Services Department"], FSD_ONLY),
        ("繁體中文", ["深圳", "政府部門", "FSD · 消防處"], dict(zip(ALL_ZH, FSD_ONLY.values(), strict=True))),
    ):
        kit.sidebar(page).get_by_role("radio", name=language).click()
        kit.expect_metrics(page, numbers)
        for chip in chips:
            expect(filters.get_by_text(chip, exact=True)).to_be_visible()
        for kept in ("city=Shenzhen", "kind=government", "dept=FSD"):
            expect(page).to_have_url(re.compile(f"[?&]{kept}(&|$)"))


@pytest.mark.parametrize(
    ("path", "typed", "shown"),
    [
        ("interest", "Guangzhou", {"en": "Guangzhou", "zh": "廣州"}),  # the city whose categories are ranked
        ("explorer", "GBA", {"en": "Guangzhou · GBA seminar", "zh": "廣州 · GBA seminar"}),  # the visit opened
    ],
)
def test_a_pages_own_choice_survives_a_language_switch_there_and_back(
    page: Page, known_server: kit.Server, path: str, typed: str, shown: dict[str, str]
):
    """The same for a page's own picker: the chosen city (or visit) is kept, and reads in the new language (it
    was shown in the old one, and a category on Follow-ups was lost on the way back)."""
    kit.open_page(page, known_server.url, path)
    picker = page.get_by_test_id("stMain").get_by_test_id("stSelectbox").first.locator("input")
    picker.click()
    page.keyboard.type(typed)
    page.keyboard.press("Enter")
    expect(picker).to_have_value(re.compile(re.escape(shown["en"])))
    for language in ("zh", "en"):
        kit.wait_for_run(page)
        kit.sidebar(page).get_by_role("radio", name=i18n.LANGUAGES[language]).click()
        expect(picker).to_have_value(re.compile(re.escape(shown[language])))


def test_the_bench_times_an_action_until_its_run_has_drawn_the_page(page: Page, known_server: kit.Server):
    """The bench's timer returns when the rerun the action started has drawn the page: the new language is
    on screen and every chart drawn at that moment, with no wait of the test's own."""
    kit.open_page(page, known_server.url)
    started = time.perf_counter()
    seconds = bench_browser.timed(page, kit.sidebar(page).get_by_role("radio", name="繁體中文").click)
    wall = time.perf_counter() - started
    assert page.locator("h1").first.inner_text() == "總覽"
    assert page.evaluate(bench_browser.UNMET) == [] and page.get_by_test_id("stPlotlyChart").count() == 3
    assert 0 < seconds < wall


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_page_through_the_navigation(page: Page, known_server: kit.Server, lang: str):
    """Open the dashboard, then reach every page by its link in the sidebar, as a person does."""
    kit.open_page(page, known_server.url, query=f"lang={lang}")
    for name, title in TITLES[lang].items():
        kit.sidebar(page).get_by_role("link", name=title).click()
        expect(page.locator("h1").first).to_have_text(HEADINGS.get(name, {}).get(lang, title))
        kit.wait_for_run(page)
        assert page.url.split("?")[0].rstrip("/") == f"{known_server.url}/{kit.PAGES[name]}".rstrip("/")
        assert page.get_by_test_id("stException").count() == 0
        if name == "explorer":  # the newest visit, its date in the language's own form
            caption = {"en": "15 Mar 2019 · Dongguan · Solar roofs", "zh": "2019年3月15日 · 東莞 · Solar roofs"}[lang]
            expect(page.get_by_role("combobox", name=OPEN_VISIT[lang])).to_have_value(caption)


def test_participation_table_values(page: Page, known_server: kit.Server):
    kit.open_page(page, known_server.url, "participation")
    page.get_by_text("Numbers behind this chart").first.click()
    # EMSD 3 (K1, K2, K3), FSD 3 (2 on K1, 1 on K3), HA 2 (K1, K4), HKUST 2 (K2).
    assert table_column(page, "Code") == ["EMSD", "FSD", "HA", "HKUST"]
    assert table_column(page, "Delegates") == ["3", "3", "2", "2"]


def test_sidebar_filter_and_copied_link(page: Page, browser: Browser, known_server: kit.Server, console: kit.Console):
    kit.open_page(page, known_server.url)
    kit.choose(page, "Cities", "Shenzhen")
    kit.expect_metrics(page, SHENZHEN)
    expect(page).to_have_url(re.compile(r"[?&]city=Shenzhen"))
    copied = page.url
    # A colleague opens the copied link: a new browser session, the same view.
    other = console.watch(browser.new_context(viewport={"width": 1366, "height": 768}).new_page())
    try:
        other.goto(copied)
        kit.wait_for_run(other)
        kit.expect_metrics(other, SHENZHEN)
        chips = kit.sidebar(other).get_by_test_id("stMultiSelect").first
        expect(chips.get_by_text("Shenzhen", exact=True)).to_be_visible()
        other.reload()
        kit.wait_for_run(other)
        kit.expect_metrics(other, SHENZHEN)
    finally:
        other.context.close()


def test_chart_click_filters_every_page(page: Page, known_server: kit.Server):
    """Click the Fire Services Department bar: every number follows, the sidebar and the link say so."""
    kit.open_page(page, known_server.url)
    chart = page.get_by_test_id("stPlotlyChart").filter(has_text="Departments with most delegates")
    kit.click_bar(page, chart, "Fire Services Department")
    kit.expect_metrics(page, FSD_ONLY)
    expect(page).to_have_url(re.compile(r"[?&]dept=FSD"))
    departments = kit.sidebar(page).get_by_test_id("stMultiSelect").filter(has_text="Departments")
    expect(departments.get_by_text("FSD", exact=False)).to_be_visible()
    kit.sidebar(page).get_by_role("link", name="Departmental participation").click()
    expect(page.locator("h1")).to_have_text("Departmental participation")
    kit.wait_for_run(page)
    # The kinds follow the filter (FSD is a government department); the clicked department chart keeps its
    # context (tests/browser/test_what_people_see.py), so its table lists all four.
    page.get_by_text("Numbers behind this chart").nth(1).click()
    assert table_column(page, "Kind") == ["Government"]


def test_empty_state_says_what_to_do(page: Page, known_server: kit.Server):
    kit.open_page(page, known_server.url, query="dept=FSD&kind=public_body")
    kit.expect_metrics(page, {"Visits": "0", "Delegates": "0", "Departments": "0", "Cities": "0"})
    expect(page.get_by_text("No visits match these filters — clear filters to see all visits.")).to_be_visible()
    page.get_by_test_id("stMain").get_by_role("button", name="Clear filters").click()
    kit.expect_metrics(page, ALL)
    assert "dept=" not in page.url


def test_deep_link_to_a_fresh_server_shows_the_filters(browser: Browser, tmp_path, console: kit.Console):
    """Because pages/ sits beside dashboard.py, a fresh Streamlit server would run /participation alone (its old
    folder-based multipage mode) on its very first request: no sidebar filters, no language, file names as
    page names. ui._through_entry_point sends that first run through dashboard.py."""
    directory = known_data.build(tmp_path / "data", "csv")
    with kit.serve(directory, kit.ARTIFACTS / "logs" / "fresh_server.log") as server:
        page = console.watch(browser.new_page(viewport={"width": 1366, "height": 768}))
        try:
            kit.open_page(page, server.url, "participation", "city=Shenzhen&lang=zh")
            expect(page.locator("h1")).to_have_text("部門參與")
            bar = kit.sidebar(page)
            expect(bar.get_by_role("heading", name="篩選")).to_be_visible()
            expect(bar.get_by_test_id("stMultiSelect").first.get_by_text("深圳")).to_be_visible()
            expect(bar.get_by_role("link", name="部門參與")).to_be_visible()
            expect(bar.get_by_role("link", name="participation", exact=True)).to_have_count(0)
            page.get_by_text("圖表背後的數字").first.click()
            # Shenzhen (K1, K3): FSD 3, EMSD 2, HA 1, most first.
            assert table_column(page, "代號") == ["FSD", "EMSD", "HA"]
            assert table_column(page, "團員人次") == ["3", "2", "1"]
        finally:
            page.close()
    assert not console.take()
