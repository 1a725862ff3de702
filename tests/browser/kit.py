"""Drive the real dashboard in a real browser: a `streamlit run dashboard.py` server on a free localhost port,
Debian's Chromium through Playwright, and axe-core injected into each page. Shared by the browser tests and by
`make screenshots` (scripts/screenshots.py), so the README's pictures come from the same code the tests run.
The server, Chromium's launch flags and the wait for a drawn page are the bench's (innovisits/bench/browser.py),
so the bench times exactly what the tests wait for."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import ConsoleMessage, Locator, Page, expect

from innovisits.bench import browser
from innovisits.bench.browser import Server as Server  # the server, browser and waits: one copy, the bench's
from innovisits.bench.browser import launch as launch
from innovisits.bench.browser import serve as serve

PROJECT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT / "artifacts"  # screenshots and server logs of a test run (CI keeps them)
LAYOUT_JS = Path(__file__).with_name("layout.js")
AXE_JS = PROJECT / "node_modules" / "axe-core" / "axe.min.js"
# The pages in the order of the navigation, by URL path ("" is the default page, Overview).
PAGES = {
    "overview": "",
    "participation": "participation",
    "interest": "interest",
    "explorer": "explorer",
    "presenter": "presenter",
}
VIEWPORTS = {"laptop": (1366, 768), "projector": (1920, 1080), "phone": (390, 844)}
RUN_TIMEOUT_MS = 60_000  # generous: the tests share two cores with the rest of the suite


# The one console error not ours to fix. Streamlit's page can be served under a URL prefix, so when a person
# opens a page's own address (/participation) it first asks for /participation/_stcore/health and
# /participation/_stcore/host-config, gets 404, then finds the server at the root and carries on. Chromium
# logs each refused request as an error. Matched exactly: those two endpoints, a 404, under a page's path.
STREAMLIT_BASE_PATH_PROBE = re.compile(
    r"Failed to load resource: the server responded with a status of 404 \(Not Found\) "
    r"\(http://127\.0\.0\.1:\d+/[a-z_]+/_stcore/(health|host-config)\)"
)


@dataclass
class Console:
    """Every console message of type error and every uncaught page error, as text."""

    errors: list[str] = field(default_factory=list)

    def watch(self, page: Page) -> Page:
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.errors.append(f"pageerror: {error}"))
        return page

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        text = f"{message.text} ({message.location.get('url', '')})"
        if not STREAMLIT_BASE_PATH_PROBE.match(text):
            self.errors.append(text)

    def take(self) -> list[str]:
        """The errors since the last call (each page is checked on its own)."""
        taken, self.errors = self.errors, []
        return taken


def wait_for_run(page: Page, timeout: float = RUN_TIMEOUT_MS) -> None:
    """Wait until the page is what a person sees: the app connected, its script finished, nothing stale or
    still loading, every chart drawn, the fonts loaded (the bench's own wait: `innovisits.bench.browser`)."""
    browser.wait_drawn(page, timeout)


def open_page(page: Page, base: str, path: str = "", query: str = "") -> None:
    """Open a page by URL as a person does (address bar), and wait until it has rendered."""
    page.goto(f"{base}/{path}{'?' + query if query else ''}")
    expect(page.locator("h1").first).to_be_visible(timeout=RUN_TIMEOUT_MS)
    wait_for_run(page)


def sidebar(page: Page) -> Locator:
    return page.get_by_test_id("stSidebar")


def choose(page: Page, label: str, option: str) -> None:
    """Pick an option in a sidebar multiselect the way a person does: click it, type, press Enter, close."""
    box = sidebar(page).get_by_test_id("stMultiSelect").filter(has=page.get_by_text(label, exact=True))
    box.locator("input").click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option).first.click()
    page.keyboard.press("Escape")
    wait_for_run(page)


def screenshot(page: Page, path: Path) -> Path:
    """The whole page as a person would scroll through it. Streamlit scrolls its main area, not the document,
    so the window is made as tall as the content for the picture, then put back."""
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    content = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll('[data-testid=stMain], [data-testid=stSidebarContent]')]"
        ".map(e => e.scrollHeight))"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": width, "height": max(height, content)})
    try:
        wait_for_run(page)
        page.screenshot(path=str(path))
    finally:
        page.set_viewport_size({"width": width, "height": height})
    return path


_METRICS_JS = """() => Object.fromEntries([...document.querySelectorAll('[data-testid=stMetric]')].map(m => [
    m.querySelector('[data-testid=stMetricLabel]')?.innerText.trim(),
    m.querySelector('[data-testid=stMetricValue]')?.innerText.trim(),
]))"""


def metrics(page: Page) -> dict[str, str]:
    """The Overview's key numbers as a person reads them: label -> value, read in one step (a rerun may be
    replacing them meanwhile)."""
    return page.evaluate(_METRICS_JS)


def expect_metrics(page: Page, wanted: dict[str, str]) -> None:
    """Wait until the key numbers on screen are exactly `wanted` (while a rerun draws, the previous run's may
    still stand beside the new ones), then check them."""
    page.wait_for_function(
        f"""wanted => {{
            const shown = ({_METRICS_JS})();
            const labels = Object.keys(wanted);
            return Object.keys(shown).length === labels.length && labels.every(label => shown[label] === wanted[label]);
        }}""",
        arg=wanted,
        timeout=RUN_TIMEOUT_MS,
    )
    assert metrics(page) == wanted


def axe_violations(page: Page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """Run axe-core (the npm package, injected from node_modules) on the page as it is now."""
    if not AXE_JS.exists():
        raise FileNotFoundError(f"{AXE_JS} missing: run `npm ci` (make test does)")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("""async () => await axe.run(document, {resultTypes: ['violations']})""")
    return [v for v in result["violations"] if v["impact"] in impacts]


def describe(violations: list[dict]) -> str:
    """A readable list: rule, impact, and where (CSS target of each node)."""
    lines = []
    for v in violations:
        lines.append(f"{v['id']} ({v['impact']}): {v['help']}")
        lines.extend(f"    {node['target']}: {node.get('failureSummary', '')[:200]}" for node in v["nodes"][:8])
    return "\n".join(lines)


def click_bar(page: Page, chart: Locator, label: str) -> None:
    """Click the bar of a horizontal bar chart whose category reads `label`, where a person would: on the bar.
    The bar is found from the chart's own data (plotly keeps it on the element), then clicked by position."""
    expect(chart.locator(".barlayer .point").first).to_be_attached()
    index = chart.locator(".js-plotly-plot").evaluate(
        "(plot, label) => plot.data[0].y.map(y => String(y).replaceAll('<br>', ' ')).indexOf(label)", label
    )
    assert index >= 0, f"no bar {label!r}"
    bar = chart.locator(".barlayer .point").nth(index)
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # plotly hovers, then clicks
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    wait_for_run(page)


def layout_problems(page: Page) -> list[str]:
    """Sideways scrolling, charts wider than the window, chart labels cut off or on top of each other, and
    labels or numbers cut short by an ellipsis (measured in the page by layout.js)."""
    return page.evaluate(LAYOUT_JS.read_text(encoding="utf-8"))


def expand_tables(page: Page) -> None:
    """Open every "numbers behind this chart" panel, so that checks see the tables too. A chart's panel draws
    its table only once opened (a rerun of the panel alone), so wait until every open panel shows something."""
    main = page.get_by_test_id("stMain")
    closed = main.locator("details:not([open]) > summary")
    for _ in range(closed.count()):
        closed.first.click()
    for panel in main.locator("details[open]").all():
        expect(panel.get_by_test_id("stExpanderDetails").get_by_test_id("stElementContainer").first).to_be_attached()
    wait_for_run(page)


# Settled after a resize: every chart drawn as wide as its place on the page, and the sidebar's box, the main
# area's width and the charts' widths the same over FIT_FRAMES animation frames in a row (the sidebar slides in
# or out over some 0.3 s, a frame at a time, and plotly redraws a moment after its box changes).
FIT_FRAMES = 5
_SETTLED = """(frames) => {
  const box = (element) => element?.getBoundingClientRect();
  const sidebar = box(document.querySelector('[data-testid=stSidebar]'));
  const charts = [...document.querySelectorAll('[data-testid=stPlotlyChart]')].map(chart => {
    const drawn = box(chart.querySelector('.main-svg')), place = box(chart);
    return drawn && Math.abs(drawn.width - place.width) < 1 ? Math.round(place.width) : null;
  });
  const key = charts.includes(null) ? null : JSON.stringify([
    sidebar && [Math.round(sidebar.x), Math.round(sidebar.width)],
    Math.round(box(document.querySelector('[data-testid=stMain]'))?.width ?? 0),
    charts,
  ]);
  const seen = (window.__innovisitsSettled ??= {key: null, frames: 0});
  seen.frames = key !== null && key === seen.key ? seen.frames + 1 : 0;
  seen.key = key;
  return seen.frames >= frames;
}"""


def resize(page: Page, window: str) -> None:
    """Make the window one of VIEWPORTS, then wait as a person does: until the sidebar has slid to its place
    and every chart has been redrawn to fit its own."""
    width, height = VIEWPORTS[window]
    page.evaluate("() => { window.__innovisitsSettled = null; }")
    page.set_viewport_size({"width": width, "height": height})
    page.wait_for_function(_SETTLED, arg=FIT_FRAMES, polling="raf", timeout=RUN_TIMEOUT_MS)
    wait_for_run(page)
