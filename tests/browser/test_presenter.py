"""Presenter mode in Chromium, as someone presenting does it: from a filtered view in Chinese, the sidebar's
Present button; Page Down (what a presentation clicker sends) and the Next button; the slide in the URL so a
reload stays put; accessible and laid out for a 1920×1080 projector; and back to the dashboard."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser import kit

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def expect_slide(page: Page, counter: str, key: str | None = None) -> None:
    """The slide shown, and its run finished: a presenter presses the next key once the slide is whole (the
    counter is drawn before the buttons that take Page Down)."""
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name=counter, exact=True)).to_be_visible()
    if key:
        expect(main.get_by_role("heading", name=key, exact=True)).to_be_visible()
    kit.wait_for_run(page)


def test_presenting_a_filtered_view(page: Page, known_server: kit.Server):
    width, height = kit.VIEWPORTS["projector"]
    page.set_viewport_size({"width": width, "height": height})
    kit.open_page(page, known_server.url, query="city=Shenzhen&lang=zh")
    kit.sidebar(page).get_by_role("button", name="簡報模式").click()
    expect(page).to_have_url(re.compile(r"present=1"))
    kit.wait_for_run(page)
    expect(page.locator("h1").first).to_have_text("InnoVisits 創科考察")
    expect_slide(page, "1 / 6")
    expect(kit.sidebar(page)).to_be_hidden()

    page.keyboard.press("PageDown")
    expect_slide(page, "2 / 6", "考察次數：2")  # Shenzhen: K1 and K3
    kit.wait_for_run(page)
    page.get_by_role("button", name="下一頁").click()
    expect_slide(page, "3 / 6", "部門數目：3")
    kit.wait_for_run(page)
    expect(page).to_have_url(re.compile(r"slide=3"))
    assert "city=Shenzhen" in page.url

    page.reload()
    kit.wait_for_run(page)
    expect_slide(page, "3 / 6", "部門數目：3")
    kit.screenshot(page, kit.ARTIFACTS / "screenshots" / "projector" / "presenter-mode-zh.png")
    problems = kit.layout_problems(page)
    assert not problems, "\n".join(problems)
    violations = kit.axe_violations(page)
    assert not violations, kit.describe(violations)

    page.get_by_role("button", name="離開簡報模式").click()
    expect(kit.sidebar(page)).to_be_visible()
    kit.wait_for_run(page)
    assert "present=" not in page.url
    expect(page.locator("h1").first).to_have_text("部門參與")  # the Slides page, where the talk stopped


# Every pair of tick labels in a chart, same axis included (plotly does not stop a wrapped category label from
# running into its neighbour), and whether any button's label is cut short.
TICK_OVERLAPS = """() => {
  const out = [];
  for (const chart of document.querySelectorAll("[data-testid=stPlotlyChart]")) {
    const boxes = [...chart.querySelectorAll(".xtick text, .ytick text")]
      .map((t) => [t.textContent, t.getBoundingClientRect()]).filter(([, r]) => r.width > 0);
    for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
      const [[a, p], [b, q]] = [boxes[i], boxes[j]];
      const dx = Math.min(p.right, q.right) - Math.max(p.left, q.left);
      const dy = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
      if (dx > 1 && dy > 1) out.push(`${a} overlaps ${b}`);
    }
  }
  return out;
}"""
CUT_BUTTONS = """() => [...document.querySelectorAll("[data-testid=stMain] button")]
  .filter((b) => [b, ...b.querySelectorAll("p, span, kbd")].some((e) => e.scrollWidth > e.clientWidth + 1))
  .map((b) => b.innerText)"""
STAGE = "[class*=st-key-slide_stage]"


def slide_geometry(page: Page) -> dict:
    """The stage's box, the main area's scrolling, and the number of plotly toolbars."""
    return page.evaluate(
        """(stage) => { const m = document.querySelector("[data-testid=stMain]");
        return {stage: document.querySelector(stage).getBoundingClientRect().toJSON(), scroll: m.scrollHeight,
                client: m.clientHeight, modebars: document.querySelectorAll(".modebar").length}; }""",
        STAGE,
    )


@pytest.mark.parametrize("window", ["projector", "laptop"])
def test_every_slide_fits_the_window_with_labels_apart(page: Page, known_server: kit.Server, window: str):
    """In both languages: each slide within the window (nothing scrolled off), no two tick labels on top of each
    other, every button's label whole, no plotly toolbar, and the controls shown only while pointed at."""
    width, height = kit.VIEWPORTS[window]
    page.set_viewport_size({"width": width, "height": height})
    for lang in ("en", "zh"):
        for number in range(1, 7):
            kit.open_page(page, known_server.url, query=f"present=1&slide={number}&lang={lang}")
            where = f"{lang} slide {number} at {width}×{height}"
            page.mouse.move(width / 2, height / 3)  # off the controls: they fade out (0.2 s)
            expect(page.locator(".st-key-present_bar")).to_have_css("opacity", "0")
            geometry = slide_geometry(page)
            stage = geometry["stage"]
            assert geometry["scroll"] <= geometry["client"], where
            assert stage["top"] >= 0 and stage["bottom"] <= height + 1 and stage["right"] <= width + 1, where
            assert stage["width"] / stage["height"] == pytest.approx(16 / 9, rel=0.01), where
            assert geometry["modebars"] == 0, where
            assert not page.evaluate(TICK_OVERLAPS), f"{where}: {page.evaluate(TICK_OVERLAPS)}"
            assert not kit.layout_problems(page), f"{where}: {kit.layout_problems(page)}"
            page.mouse.move(width / 2, height - 20)  # the foot of the window: the controls come up
            expect(page.locator(".st-key-present_bar")).to_have_css("opacity", "1")
            assert not page.evaluate(CUT_BUTTONS), f"{where}: {page.evaluate(CUT_BUTTONS)}"
            if window == "laptop" and number in (3, 5):
                kit.screenshot(page, kit.ARTIFACTS / "screenshots" / window / f"slide-{number}-{lang}.png")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_slides_page_buttons_are_whole_at_1366(page: Page, known_server: kit.Server, lang: str):
    """The Slides page beside the sidebar on a laptop: the preview scaled to the page, every label whole."""
    kit.open_page(page, known_server.url, "presenter", query=f"slide=3&lang={lang}")
    assert not page.evaluate(CUT_BUTTONS), page.evaluate(CUT_BUTTONS)
    stage = page.locator(STAGE).bounding_box()
    main = page.get_by_test_id("stMain").bounding_box()
    assert stage["x"] >= main["x"] and stage["x"] + stage["width"] <= main["x"] + main["width"] + 1
    assert not page.evaluate(TICK_OVERLAPS)


def test_add_to_briefing_then_present_the_chosen_chart(page: Page, known_server: kit.Server):
    """A chart from a page and one from an insight page, added in that order: presenter mode shows the title,
    those two charts in order, then the sources; the chart slide says its filters; a reload keeps them."""
    kit.open_page(page, known_server.url, "participation")
    chart_title = "Delegates by department kind"
    remove = page.get_by_test_id("stMain").get_by_role("button", name="Remove from briefing")
    # After each click a person sees the chart added before going on: a click on the menu while the addition
    # is still on its way to the server overtakes it (a flaky CI run).
    page.get_by_test_id("stMain").get_by_role("button", name="Add to briefing").nth(1).click()
    expect(remove).to_have_count(1)
    kit.wait_for_run(page)
    kit.sidebar(page).get_by_role("link", name="Trends").click()  # within the session: the choice is kept
    expect(page.locator("h1").first).to_have_text("Trends")
    kit.wait_for_run(page)
    page.get_by_test_id("stMain").get_by_role("button", name="Add to briefing").first.click()
    expect(remove).to_have_count(1)
    kit.wait_for_run(page)
    page.go_back()  # Back undoes the addition (the URL holds the choice), Forward redoes it
    kit.wait_for_run(page)
    expect(remove).to_have_count(0)
    page.go_forward()
    kit.wait_for_run(page)
    expect(remove).to_have_count(1)
    kit.sidebar(page).get_by_role("button", name="Present").click()
    kit.wait_for_run(page)
    expect_slide(page, "1 / 4")
    page.keyboard.press("PageDown")
    expect_slide(page, "2 / 4")
    kit.wait_for_run(page)
    expect(page.locator("h1").first).to_have_text(chart_title)
    expect(page.locator(STAGE).get_by_text("Filters: All visits")).to_be_visible()
    page.keyboard.press("PageDown")
    expect_slide(page, "3 / 4")
    kit.wait_for_run(page)
    expect(page.locator("h1").first).to_contain_text("month")
    assert not page.evaluate(TICK_OVERLAPS)
    page.reload()  # a new session: the URL keeps the chosen charts, in order
    kit.wait_for_run(page)
    expect_slide(page, "3 / 4")
    expect(page.locator("h1").first).to_contain_text("month")
    page.keyboard.press("PageUp")
    expect_slide(page, "2 / 4")
    expect(page.locator("h1").first).to_have_text(chart_title)
