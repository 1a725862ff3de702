"""Downloads: charts as PNG/SVG/PDF rendered server-side by plotly's kaleido driving the system Chromium,
tables as CSV and XLSX with spreadsheet formulas neutralised. No Streamlit here (the page, the pack and
the CLI share it).

The browser stays open once started (see `_Renderer`). Offline by construction: kaleido is given the
plotly.js bundled with plotly and no MathJax (its default is a CDN script), and Chromium is Debian's
(`BROWSER_PATH`), never a downloaded one."""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import html
import io
import os
import threading
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import kaleido
import pandas as pd
import plotly
import plotly.graph_objects as go

SYSTEM_CHROMIUM = Path("/usr/bin/chromium")
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
# A cell starting with one of these is read as a formula (or DDE command) by spreadsheet programs.
TIMEOUT = 120  # seconds for starting the browser or rendering one image
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MIME = {
    "png": "image/png",
    "svg": "image/svg+xml",
    "pdf": "application/pdf",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


class ExportError(Exception):
    """An image could not be rendered (no browser, or the browser failed); the message says what to do."""


class Render(NamedTuple):
    """One image to render: the figure, its format and its size in layout pixels."""

    figure: go.Figure
    format: str
    width: int
    height: int
    scale: float = 1.0


def _browser_path() -> None:
    """Point kaleido's browser lookup at Debian's Chromium unless BROWSER_PATH already names one."""
    if not os.environ.get("BROWSER_PATH"):
        if not SYSTEM_CHROMIUM.exists():
            raise ExportError("No Chromium found: run scripts/system-deps.sh or set BROWSER_PATH")
        os.environ["BROWSER_PATH"] = str(SYSTEM_CHROMIUM)


class _Renderer:
    """One Chromium, through kaleido, kept open for the whole process on its own event-loop thread:
    starting it costs seconds, an image then takes a fraction of one. Any thread may ask for images
    (requests are futures on that loop, each with a timeout); a failure closes the browser so the next
    request starts a fresh one."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido: kaleido.Kaleido | None = None

    def _call(self, coroutine: Coroutine[Any, Any, Any]) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=TIMEOUT)

    def _open(self) -> kaleido.Kaleido:
        with self._lock:
            if self._kaleido is None:
                _browser_path()
                if self._loop is None:
                    self._loop = asyncio.new_event_loop()
                    threading.Thread(target=self._loop.run_forever, name="kaleido", daemon=True).start()
                    atexit.register(self.close)
                browser = kaleido.Kaleido(n=1, mathjax=False, plotlyjs=str(PLOTLY_JS))
                self._call(browser.open())
                self._kaleido = browser
            return self._kaleido

    def close(self) -> None:
        with self._lock:
            browser, self._kaleido = self._kaleido, None
            if browser is not None:
                with contextlib.suppress(Exception):  # it may be the browser that failed
                    self._call(browser.close())

    def image(self, item: Render) -> bytes:
        opts = {"format": item.format, "width": item.width, "height": item.height, "scale": item.scale}
        try:
            return self._call(self._open().calc_fig(item.figure.to_dict(), opts=opts))
        except ExportError:
            raise
        except Exception as error:  # kaleido/choreographer raise many kinds; callers need one
            self.close()
            raise ExportError(f"rendering failed: {error!r}") from error


_renderer = _Renderer()


def render(items: Sequence[Render], progress: Callable[[int, int], None] | None = None) -> list[bytes]:
    """Images for every item, in order; `progress(done, total)` is called (in the caller's thread) after each."""
    out = []
    for item in items:
        out.append(_renderer.image(item))
        if progress:
            progress(len(out), len(items))
    return out


def image(fig: go.Figure, fmt: str, *, width: int = 1200, scale: float = 2.0) -> bytes:
    """One chart as PNG or SVG at its own height (the download from a page)."""
    height = int(fig.layout.height or 500)
    return render([Render(fig, fmt, int(fig.layout.width or width), height, scale)])[0]


SUBTITLE_SPACE = 26  # layout pixels the subtitle line takes under the title, at the pages' 13 px type


def with_subtitle(fig: go.Figure, text: str, *, size: int = 13) -> go.Figure:
    """A copy of `fig` with `text` (e.g. the active filters) as a subtitle line of `size` px type under its
    title, the figure made taller by that line so the plot keeps its size; `fig` itself when there is no text."""
    if not text:
        return fig
    out = go.Figure(fig)
    margin = out.layout.margin.t if out.layout.margin.t is not None else 80
    space = SUBTITLE_SPACE * size // 13
    out.update_layout(
        title={"subtitle": {"text": html.escape(text), "font": {"size": size, "color": "#333333"}}},
        margin={"t": margin + space},
        height=int(out.layout.height or 500) + space,
    )
    return out


def neutralise(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula, prefixed with ' so it stays text."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def safe_table(df: pd.DataFrame) -> pd.DataFrame:
    """The table with every text cell and header neutralised; numbers and dates untouched."""
    safe = df.rename(columns=lambda c: neutralise(str(c)))
    text = [c for c in safe.columns if safe[c].dtype == object or pd.api.types.is_string_dtype(safe[c])]
    return safe.assign(**{c: safe[c].map(neutralise) for c in text})


def csv_bytes(df: pd.DataFrame) -> bytes:
    """RFC 4180 CSV (CRLF line ends, so a carriage return inside a cell gets quoted) in UTF-8 with a
    byte-order mark, so Excel opens Chinese text correctly."""
    return safe_table(df).to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def xlsx_bytes(df: pd.DataFrame, sheet: str = "InnoVisits") -> bytes:
    buffer = io.BytesIO()
    safe_table(df).to_excel(buffer, index=False, sheet_name=sheet[:31], engine="openpyxl")
    return buffer.getvalue()
