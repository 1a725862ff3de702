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
    main = page.get_by_test_id("stMain")
    expect(main.get_by_role("heading", name=counter, exact=True)).to_be_visible()
    if key:
        expect(main.get_by_role("heading", name=key, exact=True)).to_be_visible()


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
