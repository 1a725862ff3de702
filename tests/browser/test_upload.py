"""A staff member's upload as a person does it: sign in on the sign-in page, open Upload data from the menu,
pick the file in the real file chooser, read the preview (every column in view), confirm, and see the new
numbers on the Overview."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from playwright.sync_api import Page, expect

from tests import ingest_files, known_data
from tests.browser import kit

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
GEOMETRY_JS = Path(__file__).with_name("geometry.js")
PASSWORD = "a long test passphrase"  # a dummy account that exists only in this test's temporary secrets file


@pytest.fixture(scope="module")
def staff_server(tmp_path_factory) -> Iterator[kit.Server]:
    """The dashboard over the known data, with one staff account in a secrets file of the test's own."""
    root = tmp_path_factory.mktemp("upload")
    directory = known_data.build(root / "data", "mixed")
    secrets = root / "secrets.toml"
    secrets.write_text(f'[staff.accounts]\ntester = "{PasswordHasher().hash(PASSWORD)}"\n', encoding="utf-8")
    log = kit.ARTIFACTS / "logs" / "test_upload.log"
    with kit.serve(directory, log, options=("--secrets.files", str(secrets))) as server:
        yield server


def nav(page: Page, title: str) -> None:
    kit.sidebar(page).get_by_role("link", name=title).click()
    expect(page.locator("h1").first).to_have_text(title)
    kit.wait_for_run(page)


def test_staff_sign_in_upload_and_see_the_new_visit(page: Page, staff_server: kit.Server, tmp_path: Path):
    kit.open_page(page, staff_server.url)
    assert kit.metrics(page)["Visits"] == "4"
    expect(kit.sidebar(page).get_by_role("link", name="Upload data")).to_have_count(0)  # a viewer has no upload

    nav(page, "Staff sign-in")
    page.get_by_role("textbox", name="Account").fill("tester")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()
    kit.wait_for_run(page)

    nav(page, "Upload data")
    report = tmp_path / "visit-report.csv"
    report.write_bytes(ingest_files.report_big5())
    with page.expect_file_chooser() as chooser:
        page.get_by_test_id("stFileUploaderDropzone").get_by_role("button", name="Upload", exact=True).click()
    chooser.value.set_files(str(report))
    kit.wait_for_run(page)
    confirm = page.get_by_role("button", name="Store this upload")
    expect(confirm).to_be_visible()
    # the preview's tables beside the sidebar at 1366 px: every column in view (tests/browser/geometry.js)
    wide = page.evaluate(GEOMETRY_JS.read_text(encoding="utf-8"))["tables"]
    assert not wide, "\n".join(wide)
    confirm.click()
    # A person waits for the confirmation before moving on; the click's rerun may not have started yet.
    expect(page.get_by_text("The dashboard shows it now.")).to_be_visible(timeout=kit.RUN_TIMEOUT_MS)
    kit.wait_for_run(page)

    nav(page, "Overview")
    want = ingest_files.AFTER
    assert {k: kit.metrics(page)[k.capitalize()] for k in ("visits", "delegates")} == {
        "visits": str(want["visits"]),
        "delegates": str(want["delegates"]),
    }
