"""Fixtures for the real-browser tests: one Chromium and one dashboard server per test module over the
known data set, and a fresh browser session (a new Streamlit session) per test whose console must stay free of
errors. Add a flow by adding a module here; its tests get the same server, page and console checks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from tests import known_data
from tests.browser import kit

expect.set_options(timeout=kit.RUN_TIMEOUT_MS)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium per test module: Playwright's sync API cannot run beside another Playwright (sync or
    async) in one process, and other modules on the same worker start their own."""
    with sync_playwright() as playwright:
        browser = kit.launch(playwright)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def known_server(request, tmp_path_factory) -> Iterator[kit.Server]:
    """The dashboard over the known data set (tests/known_data.py), one server for the whole module."""
    directory = known_data.build(tmp_path_factory.mktemp("known") / "data", "mixed")
    log = kit.ARTIFACTS / "logs" / f"{request.module.__name__.rsplit('.', 1)[-1]}.log"
    with kit.serve(directory, log) as server:
        yield server


@pytest.fixture
def console() -> kit.Console:
    return kit.Console()


@pytest.fixture
def page(browser: Browser, console: kit.Console, request) -> Iterator[Page]:
    """A new browser context (so a new Streamlit session) at the laptop size; after the test, no console error
    may have been logged on any page it visited."""
    width, height = kit.VIEWPORTS["laptop"]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="en-GB")
    page = console.watch(context.new_page())
    page.set_default_timeout(kit.RUN_TIMEOUT_MS)
    yield page
    context.close()
    errors = console.take()
    assert not errors, f"console errors in {request.node.name}:\n" + "\n".join(errors)
