"""Downloads: charts as PNG/SVG/PDF rendered server-side by plotly's kaleido driving the system Chromium,
tables as CSV and XLSX with spreadsheet formulas neutralised. No Streamlit here (the page, the pack and
the CLI share it).

Offline by construction: kaleido is given the plotly.js bundled with plotly and no MathJax (its default
is a CDN script), and Chromium is Debian's (`BROWSER_PATH`), never a downloaded one."""

from __future__ import annotations

import asyncio
import io
import os
from collections.abc import Callable, Coroutine, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, NamedTuple

import kaleido
import pandas as pd
import plotly
import plotly.graph_objects as go

SYSTEM_CHROMIUM = Path("/usr/bin/chromium")
PLOTLY_JS = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
# A cell starting with one of these is read as a formula (or DDE command) by spreadsheet programs.
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


def _browser() -> None:
    """Point kaleido's browser lookup at Debian's Chromium unless BROWSER_PATH already names one."""
    if not os.environ.get("BROWSER_PATH"):
        if not SYSTEM_CHROMIUM.exists():
            raise ExportError("No Chromium found: run scripts/system-deps.sh or set BROWSER_PATH")
        os.environ["BROWSER_PATH"] = str(SYSTEM_CHROMIUM)


def render(items: Sequence[Render], progress: Callable[[int, int], None] | None = None) -> list[bytes]:
    """Render every item in one browser session (starting Chromium costs seconds; each image then takes
    a fraction of one). `progress(done, total)` is called after each image."""
    _browser()

    async def run() -> list[bytes]:
        out = []
        async with kaleido.Kaleido(n=1, mathjax=False, plotlyjs=str(PLOTLY_JS)) as k:
            for item in items:
                opts = {"format": item.format, "width": item.width, "height": item.height, "scale": item.scale}
                out.append(await k.calc_fig(item.figure.to_dict(), opts=opts))
                if progress:
                    progress(len(out), len(items))
        return out

    try:
        asyncio.get_running_loop()
    except RuntimeError:  # the usual case (a script or page run): progress reaches the caller's thread
        runner = asyncio.run
    else:  # inside an event loop already (e.g. a server callback): a thread with its own loop
        runner = _in_thread
    try:
        return runner(run())
    except Exception as error:  # kaleido/choreographer raise many kinds; the caller needs one
        raise ExportError(f"rendering failed: {error}") from error


def _in_thread(coroutine: Coroutine[Any, Any, list[bytes]]) -> list[bytes]:
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def image(fig: go.Figure, fmt: str, *, width: int = 1200, scale: float = 2.0) -> bytes:
    """One chart as PNG or SVG at its own height (the download from a page)."""
    height = int(fig.layout.height or 500)
    return render([Render(fig, fmt, int(fig.layout.width or width), height, scale)])[0]


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
