"""The deployment for more than one server, whole: deploy/run-local.sh with two replicas behind nginx reading one
bucket (a real S3 API on loopback, tests/s3_server.py) and sharing one state directory. A wrong-password wait
set through one replica holds on the other and under ten attempts at once; a staff upload through the proxy is
seen by both replicas, and so is its undo. Real Chromium throughout; tests run in file order on one worker."""

import json
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from innovisits.data import passwords
from innovisits.ui.auth import COOKIE
from tests import ingest_files, known_data
from tests.browser import kit
from tests.system.test_deploy import KNOWN, Layout, overview, routed_to, wait_for

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("deploy")]

PASSWORD = "a long test passphrase"  # dummy accounts that exist only in this test's secrets file
WRONG = "not the passphrase"
AFTER = {k.capitalize(): v for k, v in ingest_files.AFTER.items() if k != "categories"}
WAIT_TEXT = "Too many wrong attempts: try again in"
WRONG_TEXT = "Wrong account or password."


@pytest.fixture(scope="module")
def layout(s3_server, tmp_path_factory) -> Iterator[Layout]:
    root = tmp_path_factory.mktemp("bucket-layout")
    url = s3_server.bucket(f"layout-{uuid.uuid4().hex[:12]}", known_data.build(root / "data", "csv"))
    secrets = root / "run" / "home" / ".streamlit" / "secrets.toml"  # the replicas' HOME (run-local.sh)
    secrets.parent.mkdir(parents=True)
    hashed = PasswordHasher().hash(PASSWORD)
    secrets.write_text(f'[staff.accounts]\ntester = "{hashed}"\nuploader = "{hashed}"\n', encoding="utf-8")
    started = Layout(root, data=url, env={**s3_server.env, "INNOVISITS_ENGINE": "httpfs"})
    yield started
    started.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = kit.launch(playwright)
        yield chromium
        chromium.close()


def throttle(layout: Layout) -> passwords.SharedBackoff:
    """The replicas' shared sign-in throttle (run-local.sh puts it in RUN_DIR/shared for a bucket)."""
    return passwords.SharedBackoff(layout.run / "shared" / "sign-in.sqlite")


def past_failures(layout: Layout, account: str, count: int) -> None:
    """`count` wrong attempts long ago (their waits over), so the next wrong one sets a long wait."""
    for i in range(count):
        assert throttle(layout).claim(account, now=1000.0 * (i + 1)) == 0


def sign_in_form(context: BrowserContext, base: str, account: str, password: str) -> Page:
    """A sign-in page with the form filled in, not yet submitted."""
    page = context.new_page()
    kit.open_page(page, base.rstrip("/"), "sign_in")
    page.get_by_role("textbox", name="Account").fill(account)
    page.get_by_role("textbox", name="Password").fill(password)
    return page


def outcome(page: Page) -> str:
    """What the person reads after submitting: checked (wrong password) or told to wait."""
    found = page.get_by_text(WRONG_TEXT).or_(page.get_by_text(WAIT_TEXT))
    expect(found).to_be_visible(timeout=kit.RUN_TIMEOUT_MS)
    return "wait" if WAIT_TEXT in found.inner_text() else "checked"


def test_both_replicas_read_the_bucket(layout, browser: Browser):
    assert "s3://" in layout.output.read_text()  # the ready line names the data: the bucket
    page = browser.new_page()
    for replica in layout.replicas:
        assert overview(page, layout.url(replica)) == KNOWN
    page.close()


def test_a_wait_set_through_one_replica_holds_on_the_other(layout, browser: Browser):
    past_failures(layout, "tester", passwords.FREE_ATTEMPTS + 4)  # the next wrong attempt waits 32 s
    context = browser.new_context()
    replica_a, replica_b = (sign_in_form(context, layout.url(p), "tester", WRONG) for p in layout.replicas)
    replica_a.get_by_role("button", name="Sign in").click()
    assert outcome(replica_a) == "checked"
    replica_b.get_by_role("button", name="Sign in").click()
    assert outcome(replica_b) == "wait"
    context.close()


def test_ten_attempts_at_once_through_the_proxy_check_one(layout, browser: Browser):
    """Ten browsers, spread over both replicas by their routing cookies, submit together after a wait has run
    out: one password is checked, nine are told to wait (the issue measured 4 of 10 checked before)."""
    routes = {f"r{i}": routed_to(layout, f"r{i}", 1).pop() for i in range(40)}
    chosen = [r for r, up in routes.items() if up.endswith(str(layout.replicas[0]))][:5]
    chosen += [r for r, up in routes.items() if up.endswith(str(layout.replicas[1]))][:5]
    assert len(chosen) == 10
    past_failures(layout, "bob", passwords.FREE_ATTEMPTS + 6)  # the next wrong attempt waits 128 s
    contexts, pages = [], []
    for route in chosen:
        context = browser.new_context()
        context.add_cookies([{"name": "innovisits_route", "value": route, "url": layout.url()}])
        contexts.append(context)
        pages.append(sign_in_form(context, layout.url(), "bob", WRONG))
    for page in pages:
        page.get_by_role("button", name="Sign in").click(no_wait_after=True)
    outcomes = [outcome(page) for page in pages]
    assert sorted(outcomes) == ["checked"] + ["wait"] * 9
    for context in contexts:
        context.close()


def staff_page(page: Page, title: str) -> None:
    """Open a staff page from the menu, as a person does once signed in."""
    link = kit.sidebar(page).get_by_role("link", name=title)
    expect(link).to_be_visible(timeout=kit.RUN_TIMEOUT_MS)
    link.click()
    expect(page.locator("h1").first).to_have_text(title, timeout=kit.RUN_TIMEOUT_MS)
    kit.wait_for_run(page)


def test_a_staff_upload_through_the_proxy_and_its_undo_reach_both_replicas(layout, browser: Browser, tmp_path: Path):
    context = browser.new_context()
    page = sign_in_form(context, layout.url(), "uploader", PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as uploader.")).to_be_visible(timeout=kit.RUN_TIMEOUT_MS)
    wait_for(lambda: COOKIE in [c["name"] for c in context.cookies()], seconds=30)

    staff_page(page, "Upload data")
    report = tmp_path / "visit-report.csv"
    report.write_bytes(ingest_files.report_big5())
    with page.expect_file_chooser() as chooser:
        page.get_by_test_id("stFileUploaderDropzone").get_by_role("button", name="Upload", exact=True).click()
    chooser.value.set_files(str(report))
    kit.wait_for_run(page)
    page.get_by_role("button", name="Store this upload").click()
    expect(page.get_by_text("The dashboard shows it now.")).to_be_visible(timeout=kit.RUN_TIMEOUT_MS)

    viewer = browser.new_page()
    for replica in layout.replicas:
        assert overview(viewer, layout.url(replica)) == AFTER
    (batch,) = json.loads(layout.cli("history", "--json").stdout)
    assert (batch["by"], batch["is_active"], batch["rows"]) == ("uploader", True, ingest_files.ADDED)

    staff_page(page, "Upload history")
    page.get_by_text("I understand that this removes the batch's rows from every page").click()
    page.get_by_role("button", name="Withdraw batch").click()
    expect(page.get_by_text(f"Batch {batch['batch_id']} withdrawn.")).to_be_visible(timeout=kit.RUN_TIMEOUT_MS)
    for replica in layout.replicas:
        assert overview(viewer, layout.url(replica)) == KNOWN
    summary = json.loads(layout.cli("summary", "--json").stdout)
    assert (summary["visits"], summary["delegates"], summary["data_dir"]) == (4, 10, str(layout.data))
    context.close()
    viewer.close()


def test_the_layout_stops_cleanly(layout):
    assert layout.stop() == 143
    assert os.path.exists(layout.run / "shared" / "sign-in.sqlite")  # the state the replicas shared
