"""A staff sign-in survives a reload in the real browser (the signed cookie), a sign-out survives one too, and a
tampered cookie signs nobody in."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from argon2 import PasswordHasher
from playwright.sync_api import Page, expect

from innovisits.ui.auth import COOKIE
from tests import ingest_files, known_data
from tests.browser import kit

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
PASSWORD = "another long test passphrase"  # a dummy account only in this test's temporary secrets file


@pytest.fixture(scope="module")
def staff_server(tmp_path_factory) -> Iterator[kit.Server]:
    root = tmp_path_factory.mktemp("sign_in")
    directory = known_data.build(root / "data", "mixed")
    secrets = root / "secrets.toml"
    secrets.write_text(f'[staff.accounts]\ntester = "{PasswordHasher().hash(PASSWORD)}"\n', encoding="utf-8")
    with kit.serve(
        directory, kit.ARTIFACTS / "logs" / "test_sign_in.log", options=("--secrets.files", str(secrets))
    ) as server:
        yield server


def upload_link(page: Page):
    return kit.sidebar(page).get_by_role("link", name="Upload data")


def test_sign_in_survives_a_reload_and_sign_out_too(page: Page, staff_server: kit.Server):
    kit.open_page(page, staff_server.url, "sign_in")
    page.get_by_role("textbox", name="Account").fill("tester")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as tester.")).to_be_visible()
    kit.wait_for_run(page)
    cookie = next(c for c in page.context.cookies() if c["name"] == COOKIE)
    assert cookie["sameSite"] == "Strict" and cookie["expires"] > 0  # expiring, not a session cookie

    kit.open_page(page, staff_server.url)  # the Overview (a page opened by its URL lists the page files)
    expect(upload_link(page)).to_be_visible()
    page.reload()  # a new Streamlit session: only the cookie remembers the sign-in
    expect(page.locator("h1").first).to_be_visible()
    kit.wait_for_run(page)
    expect(upload_link(page)).to_be_visible()
    upload_link(page).click()
    expect(page.locator("h1").first).to_have_text("Upload data")

    kit.sidebar(page).get_by_role("link", name="Staff sign-in").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    kit.wait_for_run(page)
    expect(upload_link(page)).to_have_count(0)
    page.reload()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    kit.wait_for_run(page)
    assert COOKIE not in [c["name"] for c in page.context.cookies()]
    kit.open_page(page, staff_server.url)
    expect(kit.sidebar(page).get_by_role("link", name="Staff sign-in")).to_be_visible()
    expect(upload_link(page)).to_have_count(0)


def test_a_tampered_cookie_signs_nobody_in(page: Page, staff_server: kit.Server):
    host = staff_server.url.split("//")[1].split(":")[0]
    forged = "eyJ1IjogInRlc3RlciIsICJleHAiOiA0MTAyNDQ0ODAwfQ." + "0" * 64  # tester until 2100, wrong signature
    page.context.add_cookies([{"name": COOKIE, "value": forged, "domain": host, "path": "/"}])
    kit.open_page(page, staff_server.url)
    expect(kit.sidebar(page).get_by_role("link", name="Staff sign-in")).to_be_visible()
    expect(upload_link(page)).to_have_count(0)


def test_a_file_added_again_replaces_the_earlier_one(page: Page, staff_server: kit.Server, tmp_path):
    """The uploader keeps both files of one name; the page checks only the one added last, so a corrected
    file replaces the refused one instead of doubling its problems."""
    kit.open_page(page, staff_server.url)
    kit.sidebar(page).get_by_role("link", name="Staff sign-in").click()
    page.get_by_role("textbox", name="Account").fill("tester")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as tester.")).to_be_visible()
    upload_link(page).click()
    expect(page.locator("h1").first).to_have_text("Upload data")
    for content in (ingest_files.REPORT.replace("Shenzhen", "Shenzen"), ingest_files.REPORT):
        folder = tmp_path / str(len(content))
        report = ingest_files.write(folder, "report.csv", content)
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(report))  # what the chooser fills
        kit.wait_for_run(page)
        if "Shenzen" in content:
            expect(page.get_by_text("Nothing was stored: 3 problem(s) to fix.")).to_be_visible()
    expect(page.get_by_text("Replaced the earlier file of the same name: report.csv.")).to_be_visible()
    expect(page.get_by_role("button", name="Store this upload")).to_be_visible()
    expect(page.get_by_text("Nothing was stored")).to_have_count(0)
