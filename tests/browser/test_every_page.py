"""Every page in both languages, in Chromium over the known data set: axe-core finds no serious or critical
accessibility problem (every chart's numbers table open), each chart is a figure named by its title with its
numbers beside it, keyboard alone reaches the filters, and nothing a person reads is cut off, overlapping or
pushed off-screen at laptop (1366×768), projector (1920×1080) and phone (390×844) sizes. Screenshots of each
page at each size are kept in artifacts/screenshots/. Nothing is scoped out of axe."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser import kit

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LANGS = ["en", "zh"]
NUMBERS_TABLE = {"en": "Numbers behind this chart", "zh": "圖表背後的數字"}
SHOWN = {"presenter": "slide=3"}  # the Slides page opens on a title; slide 3 has a chart
FOCUSED_NAME = "() => document.activeElement.getAttribute('aria-label') || document.activeElement.innerText"
SIDEBAR_CONTROLS = {
    "en": ["English", "From", "To", "Cities", "Department kinds", "Departments", "Technology categories"],
    "zh": ["English", "由", "至", "城市", "部門類別", "部門", "科技類別"],
}


# Each chart's margins as asked by the server and as plotly settled them after drawing: equal when the room the
# server measured for the labels (report/text_width.py) is the room plotly's automargin makes, so that plotly
# drew the chart once and not a second time with wider margins.
MARGINS = """() => [...document.querySelectorAll('.js-plotly-plot')].map(gd => [gd.layout.title?.text,
  ['l', 'r', 't', 'b'].map(side => [gd.layout.margin?.[side], Math.round(gd._fullLayout._size[side])])])"""


def check_layout(page: Page, window: str, name: str, lang: str) -> None:
    kit.screenshot(page, kit.ARTIFACTS / "screenshots" / window / f"{name}-{lang}.png")
    problems = kit.layout_problems(page)
    assert not problems, f"{window}:\n" + "\n".join(problems)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", list(kit.PAGES))
def test_page_on_desktop(page: Page, known_server: kit.Server, name: str, lang: str):
    kit.open_page(page, known_server.url, kit.PAGES[name], f"lang={lang}&{SHOWN.get(name, '')}")
    main = page.get_by_test_id("stMain")
    charts = main.get_by_test_id("stPlotlyChart")
    expect(charts.first).to_be_visible()  # every page shown has at least one chart
    for chart in charts.all():
        expect(chart).to_have_attribute("role", "figure")
        alt = chart.get_attribute("aria-label")
        assert alt, "a chart without a text alternative"
        # What a screen reader announces is the title a person sees (a slide's chart is titled by its heading).
        title = chart.locator(".gtitle")
        seen = title.text_content() if title.count() else page.locator("h1").first.inner_text()
        assert alt == seen
    if name != "presenter":  # a slide shows one big chart to a room; its numbers are in its Export menu (CSV)
        assert main.get_by_test_id("stExpander").filter(has_text=NUMBERS_TABLE[lang]).count() == charts.count()
        redrawn = [
            (title, sides)
            for title, sides in page.evaluate(MARGINS)
            if any(asked is not None and abs(asked - got) > 1 for asked, got in sides)
        ]
        assert not redrawn, f"plotly made more room than asked, and drew again: {redrawn}"

    check_layout(page, "laptop", name, lang)
    kit.expand_tables(page)
    violations = kit.axe_violations(page)
    assert not violations, kit.describe(violations)
    kit.resize(page, "projector")
    check_layout(page, "projector", name, lang)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", list(kit.PAGES))
def test_page_on_a_phone(page: Page, known_server: kit.Server, name: str, lang: str):
    """Opened on a phone: the sidebar starts folded away, the page fits the screen's width."""
    width, height = kit.VIEWPORTS["phone"]
    page.set_viewport_size({"width": width, "height": height})
    kit.open_page(page, known_server.url, kit.PAGES[name], f"lang={lang}")
    check_layout(page, "phone", name, lang)


@pytest.mark.parametrize("lang", LANGS)
def test_keyboard_reaches_every_sidebar_filter(page: Page, known_server: kit.Server, lang: str):
    """From the top of the page, Tab alone reaches the language choice and every filter, in reading order."""
    kit.open_page(page, known_server.url, "participation", f"lang={lang}")
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.append(page.evaluate(FOCUSED_NAME))
    names = [n.split(", ")[-1] for n in reached]  # a date field's parts read "year, From", "month, From" …
    wanted = SIDEBAR_CONTROLS[lang]
    positions = [names.index(control) if control in names else -1 for control in wanted]
    assert -1 not in positions, f"not reached by Tab: {[c for c, p in zip(wanted, positions, strict=True) if p < 0]}"
    assert positions == sorted(positions), f"Tab order {names}"
