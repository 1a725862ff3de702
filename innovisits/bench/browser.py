"""The bench's browser figure, and the waits the browser tests share: a real `streamlit run dashboard.py` server,
Debian's Chromium through Playwright, and the time from a person's action (a filter chosen in the sidebar, a page
opened from the menu, the next slide, the other language) to the last chart drawn.

"Drawn" is what a person sees: the app connected and its script finished, no element left over from the previous
run (Streamlit marks them stale), no skeleton of a widget still loading, every plotly chart drawn, and the fonts
loaded. The page checks this itself on every animation frame, and times the action from its first input event to
that frame, so Playwright's own round trips are not counted.

Each action is timed twice in one session: the first time its page is shown with those filters (the queries run)
and again (their results come from the dashboard's cache): the difference is the query layer's share.

`python -m innovisits.bench.browser DIR [--samples 20]` prints one JSON object (run by `bench` in its own
process; this module never imports Streamlit: it drives a server)."""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Locator, Page, Playwright, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from innovisits.bench.worker import percentile
from innovisits.data.config import PROJECT_DIR
from innovisits.data.store import Store
from innovisits.i18n import LANGUAGES, t
from innovisits.report import slides

CHROMIUM = os.environ.get("INNOVISITS_CHROMIUM", "/usr/bin/chromium")
# Headless, and none of Chromium's own calls home: this machine (and CI) has no network beyond localhost.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
LAPTOP = {"width": 1366, "height": 768}
ACTION_TIMEOUT_MS = 120_000  # a first query at 10^7 on a loaded machine can take many seconds
PAGES = ("page_participation", "page_interest", "page_explorer")  # opened from the Overview, in turn
SLIDES_PER_ROUND = 5  # presenter mode's six slides: five changes from the first to the last


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """A running dashboard: its base URL and the log it writes (read when something fails)."""

    url: str
    log: Path


@contextlib.contextmanager
def serve(
    data_dir: Path, log: Path, *, startup_timeout: float = 60.0, options: tuple[str, ...] = ()
) -> Iterator[Server]:
    """Start `streamlit run dashboard.py` over `data_dir` on a free port (with extra Streamlit command-line
    `options`, e.g. a secrets file); stop it (its process group) on exit."""
    port = free_port()
    env = {**os.environ, "INNOVISITS_DATA_DIR": str(data_dir), "PYTHONPATH": str(PROJECT_DIR)}
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "dashboard.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        *options,
    ]
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=PROJECT_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            url = f"http://127.0.0.1:{port}"
            _wait_healthy(url, process, log, startup_timeout)
            yield Server(url=url, log=log)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _wait_healthy(url: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}:\n{log.read_text(errors='replace')}")
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
            if response.status == 200:
                return
        time.sleep(0.2)
    raise TimeoutError(f"streamlit not healthy after {timeout} s:\n{log.read_text(errors='replace')}")


def launch(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless (Playwright's own browser builds are not downloaded)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)


# What still keeps the page from being what a person sees, checked in the page. Elements left over from the
# previous run are marked stale until the new run replaces them; widgets and charts whose code is still loading
# show as skeletons; plotly draws a chart (its .main-svg) after the chart's element mounts.
UNMET = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const unmet = [];
  if (app?.getAttribute("data-test-connection-state") !== "CONNECTED") unmet.push("not connected");
  if (app?.getAttribute("data-test-script-state") !== "notRunning") unmet.push("script running");
  if (document.querySelector('[data-stale="true"]')) unmet.push("stale elements");
  if (document.querySelector('[data-testid^="stSkeleton"], [data-testid="stAppSkeleton"]')) unmet.push("skeletons");
  const undrawn = document.querySelectorAll('[data-testid="stPlotlyChart"]:not(:has(.main-svg))').length;
  if (undrawn) unmet.push(`${undrawn} charts not drawn`);
  if (document.fonts.status !== "loaded") unmet.push("fonts loading");
  return unmet;
}"""
# Drawn; after an action (`armed`), also after the run it started: the script state was seen to change, or (a
# run quick enough that the page drew its states running and finished in one frame, so no change shows) the
# server sent messages since the action and then none for 100 ms. Then the moment is kept.
DRAWN = f"""(armed) => {{
  const timing = window.__innovisitsTiming, socket = window.__innovisitsSocket;
  if (({UNMET})().length) {{
    if (timing) timing.drawnSince = null;
    return false;
  }}
  if (!armed) return true;
  const now = performance.now();
  if (timing.drawnSince === null || (socket && timing.drawnSince < socket.lastAt)) timing.drawnSince = now;
  if (timing.changes === 0) {{
    if (!socket || socket.messages === timing.messagesAtAction || now - socket.lastAt < 100) return false;
  }}
  timing.drawnAt = timing.drawnSince;
  return true;
}}"""
# Before the page loads (a context's init script): count the messages the server sends.
SOCKET = """(() => {
  const socket = (window.__innovisitsSocket = {messages: 0, lastAt: 0});
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener("message", () => { socket.messages += 1; socket.lastAt = performance.now(); });
    }
  };
})();"""
# Before an action: watch the script state and the first input event (capture phase: before any handler).
ARM = """() => {
  if (!window.__innovisitsTiming) {
    const timing = (window.__innovisitsTiming = {});
    new MutationObserver((records) => { timing.changes += records.length; }).observe(document.documentElement,
      {subtree: true, attributes: true, attributeFilter: ["data-test-script-state"]});
    for (const type of ["pointerdown", "keydown"]) {
      window.addEventListener(type, () => { timing.actionAt ??= performance.now(); }, true);
    }
  }
  const messages = window.__innovisitsSocket?.messages ?? 0;
  Object.assign(window.__innovisitsTiming, {changes: 0, actionAt: null, drawnAt: null, drawnSince: null,
    messagesAtAction: messages});
}"""


def wait_drawn(page: Page, timeout_ms: float, *, armed: bool = False) -> None:
    """Wait until the page is drawn (checked on every animation frame); on a timeout, say what was missing."""
    try:
        page.wait_for_function(DRAWN, arg=armed, polling="raf", timeout=timeout_ms)
    except PlaywrightTimeout:
        unmet = page.evaluate(UNMET) or ["no script run since the action"]
        raise AssertionError(f"page not drawn after {timeout_ms / 1000:g} s: {', '.join(unmet)}") from None


def timed(page: Page, action: Callable[[], None], timeout_ms: float = ACTION_TIMEOUT_MS) -> float:
    """Seconds from the action's first input event to the first animation frame with the page drawn after a
    script run."""
    page.evaluate(ARM)
    started = time.perf_counter()
    action()
    wait_drawn(page, timeout_ms, armed=True)
    fallback = time.perf_counter() - started
    timing = page.evaluate("() => window.__innovisitsTiming")
    if timing["actionAt"] is None:  # no input event seen (never expected): Playwright's own clock
        return fallback
    return (timing["drawnAt"] - timing["actionAt"]) / 1000


# ------------------------------------------------------------------------------------------ the actions


def _sidebar(page: Page) -> Locator:
    return page.get_by_test_id("stSidebar")


def _multiselect(page: Page, label_key: str) -> Locator:
    label = t(label_key, "en")
    return _sidebar(page).get_by_test_id("stMultiSelect").filter(has=page.get_by_text(label, exact=True))


def filter_choices(data_dir: Path, count: int) -> list[tuple[str, str]]:
    """`count` sidebar filter options that each leave visits in view, (filter label key, option as the sidebar
    words it in English): cities, department kinds, departments and categories in turn, busiest first."""
    query = slides.store_query(Store(data_dir))
    cities = query("filter_cities")
    lists = [
        [("filter_cities", city) for city in cities.loc[cities["visits"] > 0, "city"]],
        [("filter_kinds", t(f"kind_{row.kind}", "en")) for row in query("delegates_by_kind").itertuples()],
        [
            ("filter_departments", f"{row.department} · {row.department_en}")
            for row in query("delegates_by_department").itertuples()
        ],
        [("filter_categories", row.category_en) for row in query("visits_by_category").itertuples() if row.visits],
    ]
    turns = [option for row in itertools.zip_longest(*lists) for option in row if option]
    return turns[:count]


def choose(page: Page, label_key: str, option: str) -> float:
    """Pick an option in a sidebar list filter as a person does (click, type, click the option): timed from
    the click on the option. Then the list is closed and the box left, so that the sidebar's layout is
    settled before the next click."""
    box = _multiselect(page, label_key).locator("input")
    box.click()
    page.keyboard.type(option)
    choice = page.get_by_role("option", name=option, exact=True).first
    choice.wait_for()
    seconds = timed(page, choice.click)
    page.keyboard.press("Escape")
    box.blur()
    wait_drawn(page, ACTION_TIMEOUT_MS)
    return seconds


def clear_filters(page: Page) -> float:
    """The sidebar's Clear filters button."""
    return timed(page, _sidebar(page).get_by_role("button", name=t("filter_clear", "en")).click)


def open_page(page: Page, title_key: str) -> float:
    """A page opened from the menu in the sidebar (in English)."""
    link = page.get_by_test_id("stSidebarNav").get_by_role("link", name=t(title_key, "en"), exact=True)
    return timed(page, link.click)


def switch_language(page: Page, lang: str) -> float:
    return timed(page, _sidebar(page).get_by_role("radio", name=LANGUAGES[lang]).click)


def next_slide(page: Page) -> float:
    """Page Down: what a presentation clicker sends."""
    return timed(page, lambda: page.keyboard.press("PageDown"))


def previous_slide(page: Page) -> float:
    return timed(page, lambda: page.keyboard.press("PageUp"))


def _start(page: Page, base: str) -> None:
    """A new session on the Overview, in English, no filters."""
    page.goto(base)
    page.locator("h1").first.wait_for()  # drawn before the first run, too: an empty page
    wait_drawn(page, ACTION_TIMEOUT_MS)


Samples = dict[str, dict[str, list[float]]]  # action -> "first" / "again" -> seconds


def run_session(
    page: Page, base: str, choices: list[tuple[str, str]], samples: int, log: Callable[[str], None] = lambda _: None
) -> Samples:
    """Every action `samples` times, each the first time its view is shown and again. A sample: on the
    Overview, a filter option (a new one each time) is chosen; cleared and chosen again; then another page
    opened, the Overview, the same page again; the page in Chinese, in English, in Chinese again; back to the
    Overview in English, no filters. Then presenter mode, one option chosen per round: the five slide changes
    from the first slide to the last, back to the first, and the five again."""
    out: Samples = {action: {"first": [], "again": []} for action in ("filter", "page", "language", "slide")}
    _start(page, base)
    for i, (label_key, option) in enumerate(choices[:samples]):
        log(f"sample {i + 1}/{samples}: {option}")
        out["filter"]["first"].append(choose(page, label_key, option))
        clear_filters(page)
        out["filter"]["again"].append(choose(page, label_key, option))
        other = PAGES[i % len(PAGES)]
        out["page"]["first"].append(open_page(page, other))
        open_page(page, "page_overview")
        out["page"]["again"].append(open_page(page, other))
        out["language"]["first"].append(switch_language(page, "zh"))
        switch_language(page, "en")
        out["language"]["again"].append(switch_language(page, "zh"))
        switch_language(page, "en")
        open_page(page, "page_overview")
        clear_filters(page)
    rounds = -(-samples // SLIDES_PER_ROUND)
    for label_key, option in choices[:rounds]:
        log(f"slides: {option}")
        choose(page, label_key, option)
        timed(page, _sidebar(page).get_by_role("button", name=t("present_open", "en"), exact=True).click)
        out["slide"]["first"] += [next_slide(page) for _ in range(SLIDES_PER_ROUND)]
        for _ in range(SLIDES_PER_ROUND):
            previous_slide(page)
        out["slide"]["again"] += [next_slide(page) for _ in range(SLIDES_PER_ROUND)]
        _start(page, base)
    return out


def summarise(samples: Samples) -> dict[str, Any]:
    """p50 and p95 of each action, the first time and again, and the share of the first time the queries
    took (the difference of the medians)."""
    out: dict[str, Any] = {}
    for action, sides in samples.items():
        stats = {
            side: {"n": len(v), "p50_s": percentile(v, 0.5), "p95_s": percentile(v, 0.95), "seconds": v}
            for side, v in sides.items()
            if v
        }
        if len(stats) == 2:
            first, again = stats["first"]["p50_s"], stats["again"]["p50_s"]
            stats["query_share"] = (first - again) / first if first else None
        out[action] = stats
    return out


def measure(data_dir: Path, samples: int, log_file: Path, log: Callable[[str], None] = lambda _: None) -> dict:
    """Start a server over `data_dir`, time every action `samples` times in one Chromium session."""
    choices = filter_choices(data_dir, samples)
    started = time.perf_counter()
    with serve(data_dir, log_file, startup_timeout=600) as server, sync_playwright() as playwright:
        server_s = time.perf_counter() - started
        browser = launch(playwright)
        try:
            context = browser.new_context(viewport=LAPTOP, locale="en-GB")
            context.add_init_script(SOCKET)
            page = context.new_page()
            page.set_default_timeout(ACTION_TIMEOUT_MS)
            got = run_session(page, server.url, choices, samples, log)
        finally:
            browser.close()
    return {"data_dir": str(data_dir), "samples": samples, "server_start_s": server_s, "actions": summarise(got)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--log", type=Path, default=Path(tempfile.gettempdir()) / "innovisits-bench-server.log")
    args = parser.parse_args(argv)
    result = measure(args.data_dir, args.samples, args.log, log=lambda text: print(text, file=sys.stderr))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
