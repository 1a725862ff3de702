"""Load: 20 browser sessions at once (Debian's Chromium through Playwright) against one real `streamlit run`
on 127.0.0.1 over the known data, each switching filters through the URL; every session must read the
known answers (all filters 4 visits, Shenzhen 2), with no error, within a total time cap. Prints p95.
Also: a viewer asking for the staff upload page by URL gets no upload widget."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from innovisits.bench.browser import CHROMIUM, CHROMIUM_ARGS
from tests import known_data

PROJECT = Path(__file__).resolve().parents[2]
SESSIONS = 20
SERVER_ARGS = ["--server.address", "127.0.0.1", "--server.headless", "true"]
TOTAL_CAP = 300  # seconds for the whole run; it stops by itself
ROUNDS = [("", "4"), ("?city=Shenzhen", "2")]  # the known answers: all filters, one city


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    directory = known_data.build(tmp_path_factory.mktemp("load") / "data", "csv")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.port", str(port), *SERVER_ARGS],
        cwd=PROJECT,
        env={**os.environ, "INNOVISITS_DATA_DIR": str(directory)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("streamlit did not start")
    yield url
    process.terminate()
    _, err = process.communicate(timeout=30)
    assert b"Traceback" not in err, err.decode()[-2000:]


async def visits(page) -> str:
    metric = page.locator('[data-testid="stMetric"]', has_text="Visits")
    return (await metric.locator('[data-testid="stMetricValue"]').inner_text(timeout=240_000)).strip()


async def session(browser_context, url: str, index: int, latencies: list[float], errors: list[str]) -> None:
    page = await browser_context.new_page()
    page.on("pageerror", lambda e: errors.append(f"session {index}: {e}"))
    for offset in range(len(ROUNDS)):
        query, expected = ROUNDS[(index + offset) % len(ROUNDS)]
        started = time.monotonic()
        await page.goto(f"{url}/{query}", wait_until="domcontentloaded", timeout=240_000)  # 20 browsers on 2 cores
        deadline = time.monotonic() + 60
        value = await visits(page)
        while value != expected and time.monotonic() < deadline:  # the first render may be the old numbers
            await asyncio.sleep(0.2)
            value = await visits(page)
        latencies.append(time.monotonic() - started)
        if value != expected:
            errors.append(f"session {index} {query or '/'}: {value} visits, expected {expected}")
        if await page.locator('[data-testid="stException"]').count():
            errors.append(f"session {index} {query}: exception shown")
    await page.close()


async def load(url: str) -> tuple[list[float], list[str]]:
    from playwright.async_api import async_playwright

    latencies: list[float] = []
    errors: list[str] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = await browser.new_context()
        runs = [session(context, url, i, latencies, errors) for i in range(SESSIONS)]
        await asyncio.wait_for(asyncio.gather(*runs), timeout=TOTAL_CAP)
        page = await context.new_page()  # a viewer asking for the staff page by its URL
        await page.goto(f"{url}/upload", wait_until="domcontentloaded")
        await visits(page)  # the app has rendered (the default page: the staff page does not exist for them)
        if await page.locator('[data-testid="stFileUploader"]').count():
            errors.append("a viewer reached the upload widget by URL")
        await browser.close()
    return latencies, errors


@pytest.mark.slow
@pytest.mark.browser
def test_twenty_sessions_at_once_read_the_known_answers(server):
    started = time.monotonic()
    latencies, errors = asyncio.run(load(server))
    ordered = sorted(latencies)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    print(
        f"\n{SESSIONS} sessions x {len(ROUNDS)} filter changes: {len(latencies)} page loads in "
        f"{time.monotonic() - started:.1f} s, median {ordered[len(ordered) // 2]:.2f} s, p95 {p95:.2f} s"
    )
    assert not errors, errors
    assert len(latencies) == SESSIONS * len(ROUNDS)
