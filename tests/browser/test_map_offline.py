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
