"""The map page in a real Chromium against a real Streamlit server: it draws the outline and the cities
and asks nothing of any host but the dashboard's own (no map tiles, no topojson from a CDN)."""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests import insights_data

PROJECT = Path(__file__).resolve().parent.parent
pytestmark = [pytest.mark.browser, pytest.mark.slow]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = free_port()
    env = {**os.environ, "INNOVISITS_DATA_DIR": str(insights_data.build(tmp_path / "data", "csv"))}
    command = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.address", "127.0.0.1"]
    command += ["--server.port", str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false"]
    process = subprocess.Popen(command, cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=1).status == 200:
                    break
            except OSError:
                time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def test_map_draws_offline(server):
    from playwright.sync_api import sync_playwright

    elsewhere: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium")
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.on("request", lambda r: None if r.url.startswith((server, "data:", "blob:")) else elsewhere.append(r.url))
        page.goto(f"{server}/map?lang=zh")
        page.get_by_text("各城市的考察次數及團員人次").wait_for(timeout=90_000)
        page.locator(".js-plotly-plot .scatterlayer .js-fill").first.wait_for(timeout=30_000)
        labels = page.locator(".js-plotly-plot .scatterlayer text").evaluate_all("els => els.map(e => e.textContent)")
        browser.close()
    assert {"深圳", "廣州", "東莞"} <= set(labels)
    assert elsewhere == []
