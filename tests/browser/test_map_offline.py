"""The map page in a real Chromium against a real Streamlit server: it draws the outline and the cities
and asks nothing of any host but the dashboard's own (no map tiles, no topojson from a CDN)."""

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page

from tests import insights_data
from tests.browser import kit

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture(scope="module")
def insights_server(tmp_path_factory) -> Iterator[kit.Server]:
    directory = insights_data.build(tmp_path_factory.mktemp("insights") / "data", "csv")
    with kit.serve(directory, kit.ARTIFACTS / "logs" / "test_map_offline.log") as server:
        yield server


def test_map_draws_offline(browser: Browser, insights_server: kit.Server):
    elsewhere: list[str] = []
    page: Page = browser.new_page(viewport={"width": 1400, "height": 1000})
    base = insights_server.url
    page.on("request", lambda r: None if r.url.startswith((base, "data:", "blob:")) else elsewhere.append(r.url))
    page.goto(f"{base}/map?lang=zh")
    page.get_by_text("各城市的考察次數及團員人次").wait_for(timeout=kit.RUN_TIMEOUT_MS)
    page.locator(".js-plotly-plot .scatterlayer .js-fill").first.wait_for(timeout=kit.RUN_TIMEOUT_MS)
    labels = page.locator(".js-plotly-plot .scatterlayer text").evaluate_all("els => els.map(e => e.textContent)")
    page.close()
    assert all(any(label.startswith(city) for label in labels) for city in ("深圳", "廣州", "東莞")), labels
    assert not elsewhere, elsewhere


# The map's drawn width in pixels: its share of the plot area across (the latitude keeps the outline's shape).
MAP_WIDTH = """() => { const gd = document.querySelector('.js-plotly-plot');
  const [a, b] = gd._fullLayout.xaxis.domain; return Math.round((b - a) * gd._fullLayout._size.w); }"""


def open_map(browser: Browser, base: str, window: str) -> Page:
    width, height = kit.VIEWPORTS[window]
    page = browser.new_page(viewport={"width": width, "height": height})
    page.goto(f"{base}/map")
    page.locator(".js-plotly-plot .scatterlayer .js-fill").first.wait_for(timeout=kit.RUN_TIMEOUT_MS)
    kit.wait_for_run(page)
    return page


def test_a_map_opened_on_a_phone_fills_the_window_made_wider(browser: Browser, insights_server: kit.Server):
    """Opened narrow, then the window widened: the map grows to the width of one opened wide (it kept the
    phone's width when plotly wrote the phone's stretched latitude range back into the figure)."""
    wide = open_map(browser, insights_server.url, "laptop")
    full = wide.evaluate(MAP_WIDTH)
    wide.close()
    page = open_map(browser, insights_server.url, "phone")
    narrow = page.evaluate(MAP_WIDTH)
    width, height = kit.VIEWPORTS["laptop"]
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_function(f"() => ({MAP_WIDTH})() === {full}", timeout=kit.RUN_TIMEOUT_MS)
    page.close()
    assert narrow < full / 1.5
