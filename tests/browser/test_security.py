"""What a viewer's browser offers (issue 16, item 2): a table's own toolbar has no "Download as CSV", which
would write formulas from uploaded data as they are; the Export menu (formulas neutralised) is the way out.
A control server with Streamlit's download turned back on shows that the check finds the button."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests import known_data
from tests.browser import kit

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def control_server(tmp_path_factory) -> Iterator[kit.Server]:
    """The dashboard with the table download turned back on (what Streamlit does by default)."""
    directory = known_data.build(tmp_path_factory.mktemp("control") / "data", "mixed")
    log = kit.ARTIFACTS / "logs" / "test_security_control.log"
    with kit.serve(directory, log, options=("--client.disableDataExport", "false")) as server:
        yield server


def toolbar_labels(page: Page) -> list[str]:
    """The buttons on the first table's toolbar, shown as a person hovers the table."""
    kit.expand_tables(page)
    table = page.get_by_test_id("stDataFrame").filter(visible=True).first
    table.hover()
    toolbar = page.get_by_test_id("stElementToolbar").filter(visible=True).first
    expect(toolbar.get_by_role("button", name="Search")).to_be_visible()  # the toolbar is there
    return [b.get_attribute("aria-label") or b.inner_text() for b in toolbar.get_by_role("button").all()]


def test_tables_offer_no_csv_download_of_their_own(page: Page, known_server: kit.Server):
    kit.open_page(page, known_server.url)
    labels = toolbar_labels(page)
    assert "Download as CSV" not in labels, labels
    expect(page.get_by_role("button", name="Export").first).to_be_visible()  # the neutralising way out


def test_the_check_finds_the_download_when_it_is_on(page: Page, control_server: kit.Server):
    kit.open_page(page, control_server.url)
    assert "Download as CSV" in toolbar_labels(page)
