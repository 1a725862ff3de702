"""Data stored while a page is open (an upload on another replica, or the command line): the page keeps
showing the version before it, says that new data is arriving, and shows the new data by itself once it is
ready, without a click. The build is held back by the data directory's lock, as a long ingest holds it: the
test waits for what a person sees, never for a time."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from innovisits import i18n
from innovisits.data import lock
from tests import known_data
from tests.browser import kit

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def changing(tmp_path_factory) -> Iterator[tuple[kit.Server, Path]]:
    """The dashboard over a copy of the known data that this module changes."""
    directory = known_data.build(tmp_path_factory.mktemp("new-data") / "data", "mixed")
    with kit.serve(directory, kit.ARTIFACTS / "logs" / "test_new_data.log") as server:
        yield server, directory


def test_an_open_page_shows_new_data_by_itself_once_it_is_ready(page: Page, changing: tuple[kit.Server, Path]):
    server, directory = changing
    kit.open_page(page, server.url)
    assert kit.metrics(page)["Visits"] == "4"
    arriving = i18n.t("data_arriving", "zh")
    visits = i18n.t("metric_visits", "zh")
    known_data.write_batch(directory, known_data.BATCH, "batch-1")
    with lock.writing(directory):  # the new version cannot be built until this ends
        # a person switches the language meanwhile: the page answers at once, from the version before
        kit.sidebar(page).get_by_role("radio", name=i18n.LANGUAGES["zh"]).click()
        expect(kit.sidebar(page).get_by_text(arriving)).to_be_visible()
        kit.wait_for_run(page)
        assert kit.metrics(page)[visits] == "4"
    # nobody clicks: the note goes, and the page shows the new visit
    expect(kit.sidebar(page).get_by_text(arriving)).to_have_count(0, timeout=kit.RUN_TIMEOUT_MS)
    page.wait_for_function(
        "([label, value]) => [...document.querySelectorAll('[data-testid=stMetric]')].some(m =>"
        " m.querySelector('[data-testid=stMetricLabel]')?.innerText.trim() === label"
        " && m.querySelector('[data-testid=stMetricValue]')?.innerText.trim() === value)",
        arg=[visits, "5"],
        timeout=kit.RUN_TIMEOUT_MS,
    )
    kit.wait_for_run(page)
    assert kit.metrics(page)[visits] == "5"
