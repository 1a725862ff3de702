"""What a person sees on every dashboard page, in Chromium over the known data set, in both languages, at the
phone (390 px), laptop (1366 px) and projector (1920 px) widths: no two tick labels of a chart on top of each
other, no button label cut short, no heading ending on a line of one character, every table column in view
at 1366 px, every chart over time with a point for each period (zeros included, named
in the language), the active filters under the title (each removable on its own), Back undoing a filter
change, a clicked bar highlighted among the others, and axe-core clean on every page (sign-in included).
Presenter mode and the staff pages are tested elsewhere. One server for the module; one page load per page
and language, resized through the three widths."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from innovisits.i18n import formatting
from tests.browser import kit

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

GEOMETRY_JS = Path(__file__).with_name("geometry.js")
# Every dashboard page by URL path (presenter mode and the staff pages have their own tests).
PAGES = {
    "overview": "",
    "participation": "participation",
    "interest": "interest",
    "explorer": "explorer",
    "affinity": "affinity",
    "follow_ups": "follow_ups",
    "map": "map",
    "trends": "trends",
    "data_quality": "data_quality",
    "sign_in": "sign_in",
}
LANGS = ["en", "zh"]
# A filtered view, so each page shows its filter chips too: HA went on K1 (January) and K4 (March) only.
HA = "dept=HA&from=2019-01-01"
CHIP = {"en": "Hospital Authority", "zh": "醫院管理局"}
TIME_SERIES_PAGES = ("overview", "participation", "trends")


def geometry(page: Page) -> dict:
    return page.evaluate(GEOMETRY_JS.read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", list(PAGES))
def test_labels_fit_at_every_width(page: Page, known_server: kit.Server, name: str, lang: str):
    kit.open_page(page, known_server.url, PAGES[name], f"lang={lang}&{HA}")
    if name != "sign_in":  # the filters in view, one line under the title (sign-in has no filters)
        expect(page.get_by_test_id("stMain").get_by_role("button", name=CHIP[lang])).to_be_visible()
    for window in ("phone", "laptop", "projector"):
        kit.resize(page, window)
        kit.screenshot(page, kit.ARTIFACTS / "screenshots" / "geometry" / window / f"{name}-{lang}.png")
        seen = geometry(page)
        assert not seen["overlaps"], f"{window}: tick labels overlap:\n" + "\n".join(seen["overlaps"])
        assert not seen["truncated"], f"{window}: buttons cut short:\n" + "\n".join(seen["truncated"])
        assert not seen["lone"], f"{window}: a heading ends on one character:\n" + "\n".join(seen["lone"])
        problems = kit.layout_problems(page)  # text and numbers cut short, charts out of the window
        assert not problems, f"{window}:\n" + "\n".join(problems)
        if window == "laptop":  # beside the sidebar, every column of every table in view, no sideways scroll
            assert not seen["tables"], f"{window}: table columns out of view:\n" + "\n".join(seen["tables"])


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", TIME_SERIES_PAGES)
def test_every_series_over_time_has_every_month(page: Page, known_server: kit.Server, name: str, lang: str):
    """HA: January and March 2019; February is drawn, as zero, and the months are named in the language."""
    kit.open_page(page, known_server.url, PAGES[name], f"lang={lang}&dept=HA")
    series = geometry(page)["series"]
    assert series, "no chart over time found"
    months = [formatting.period_text(date(2019, m, 1), lang) for m in (1, 2, 3)]
    for trace in series:
        assert trace["x"] == months, trace
    visits = [s for s in series if s["chart"] in ("Visits and delegates per month", "每月考察次數及團員人次")]
    if visits:
        assert visits[0]["y"] == [1, 0, 1]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_nothing_serious(page: Page, known_server: kit.Server, name: str, lang: str):
    kit.open_page(page, known_server.url, PAGES[name], f"lang={lang}&{HA}")
    kit.expand_tables(page)
    violations = kit.axe_violations(page)
    assert not violations, kit.describe(violations)


def test_each_filter_is_removed_on_its_own_and_back_restores_it(page: Page, known_server: kit.Server):
    kit.open_page(page, known_server.url, query="city=Shenzhen&dept=FSD")
    main = page.get_by_test_id("stMain")
    main.get_by_role("button", name="Shenzhen").click()
    kit.wait_for_run(page)
    expect(page).not_to_have_url(re.compile(r"city="))
    expect(page).to_have_url(re.compile(r"dept=FSD"))
    expect(main.get_by_role("button", name="Shenzhen")).to_have_count(0)
    expect(main.get_by_role("button", name="Fire Services Department")).to_be_visible()
    page.go_back()  # the browser's Back undoes the last filter change
    kit.wait_for_run(page)
    expect(page).to_have_url(re.compile(r"city=Shenzhen"))
    expect(main.get_by_role("button", name="Shenzhen")).to_be_visible()
    chips = kit.sidebar(page).get_by_test_id("stMultiSelect").first
    expect(chips.get_by_text("Shenzhen", exact=True)).to_be_visible()


def test_a_clicked_bar_stays_among_the_others_highlighted(page: Page, known_server: kit.Server):
    """The clicked chart keeps its context: all four departments drawn, FSD strong, the others faint."""
    kit.open_page(page, known_server.url)
    chart = page.get_by_test_id("stPlotlyChart").filter(has_text="Departments with most delegates")
    kit.click_bar(page, chart, "Fire Services Department")
    expect(page).to_have_url(re.compile(r"[?&]dept=FSD"))
    expect(chart.locator(".barlayer .point").first).to_be_attached()
    # the rerun's figure once plotly has drawn it (its data holds the opacities, some faint), looked up afresh on
    # every poll: the rerun may replace the chart's element, and plotly fills a new one only when it draws
    bars = page.wait_for_function(
        """title => {
            const chart = [...document.querySelectorAll('[data-testid=stPlotlyChart]')]
                .find(c => c.textContent.includes(title));
            const trace = chart?.querySelector('.js-plotly-plot')?.data?.[0];
            const opacity = trace?.marker?.opacity;  // the figure before the click has every bar at full strength
            return Array.isArray(opacity) && opacity.some(o => o < 1)
                && Array.from(trace.customdata, (key, i) => [key, opacity[i]]);
        }""",
        arg="Departments with most delegates",
        timeout=kit.RUN_TIMEOUT_MS,
    ).json_value()
    assert sorted(bars) == [["EMSD", 0.3], ["FSD", 1], ["HA", 0.3], ["HKUST", 0.3]]
    page.go_back()
    kit.wait_for_run(page)
    expect(page).not_to_have_url(re.compile(r"dept="))
    expect(page.get_by_test_id("stMain").get_by_role("button", name="Fire Services Department")).to_have_count(0)
