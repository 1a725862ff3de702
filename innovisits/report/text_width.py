"""How wide a chart's label is drawn, in pixels, measured with the font the browser draws it in (Noto Sans CJK,
first in the charts' font list; the project installs it). Plotly's `automargin` makes room for labels only after
drawing them, then draws the whole chart again: margins set to the measured room make that second drawing
unnecessary (about half of a chart's drawing time in Chromium, docs/benchmark.md "Browser"). Where the font is
not installed, or the viewer's browser uses another, plotly still makes the room: only that time is lost."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from html import unescape

from PIL import ImageFont

FAMILY = "Noto Sans CJK TC"


@cache
def _font_file() -> tuple[str, int] | None:
    """The file and face index fontconfig gives the family; None when it is not installed (fontconfig falls
    back to another family, whose widths would mislead)."""
    if not shutil.which("fc-match"):
        return None
    found = subprocess.run(
        ["fc-match", "-f", "%{family}\n%{file}\n%{index}", FAMILY], capture_output=True, text=True, check=False
    ).stdout.splitlines()
    if len(found) != 3 or FAMILY not in found[0].split(","):
        return None
    return found[1], int(found[2])


@cache
def _font(size: int) -> ImageFont.FreeTypeFont | None:
    found = _font_file()
    return ImageFont.truetype(found[0], size, index=found[1]) if found else None


def widest(labels: list[str], size: int) -> float | None:
    """The widest line among plotly labels (lines split by <br>, HTML entities as drawn) at `size` pixels;
    None when the font is not here to measure with."""
    font = _font(size)
    if font is None:
        return None
    lines = [unescape(line) for label in labels for line in str(label).split("<br>")]
    return max((font.getlength(line) for line in lines), default=0.0)
