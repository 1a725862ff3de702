"""Plotly figures for every chart, built from query results. No Streamlit here, so the same figures serve
the pages, the presenter mode and the exports.

Every figure has a title, axis titles in the chosen language and the row key in `customdata`, which is
what a click (plotly selection) hands back for cross-filtering."""

from __future__ import annotations

import math
import re
from html import escape, unescape
from unicodedata import east_asian_width

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from innovisits.i18n import formatting, name_column, t

# Okabe–Ito: distinguishable with the common colour-vision deficiencies, and on projectors.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
# Fill patterns beside the colours, so a stacked segment is told apart without colour vision (and in greyscale).
PATTERNS = ["", "/", ".", "x", "\\", "+", "-", "|"]
SEQUENTIAL = "Blues"
FONT = "Noto Sans CJK TC, Noto Sans, Source Han Sans TC, Microsoft JhengHei, PingFang TC, sans-serif"
# Presenter variant (`large=True`): big type and dark, saturated colours that survive a washed-out projector.
LARGE_FONT_SIZE = 26
INK = "#000000"
LARGE_BAR = "#00457C"
LARGE_SEQUENTIAL = [[0.0, "#C6DBEF"], [1.0, "#08214A"]]
# Category labels on a slide: one line for most names, two balanced lines for the longest, in a type that
# two-line neighbours never overprint at a slide's bar spacing.
SLIDE_LABEL_CELLS = 34
SLIDE_TICK_SIZE = 22


def _finish(fig: go.Figure, title: str, large: bool = False) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"} | ({} if large else {"font": {"size": 15}}),
        font={"family": FONT, "size": LARGE_FONT_SIZE if large else 14} | ({"color": INK} if large else {}),
        colorway=PALETTE,
        template="plotly_white",
        margin={"l": 8, "r": 8, "t": 56, "b": 8},
        # At the foot of the figure, below the axis labels however many lines they take on a phone.
        legend={"title": None, "orientation": "h", "x": 0, "yref": "container", "y": 0, "yanchor": "bottom"},
        hoverlabel={"font": {"family": FONT}},
    )
    if large:
        fig.update_xaxes(gridcolor="#8C8C8C", linecolor=INK, tickfont={"color": INK})
        fig.update_yaxes(gridcolor="#8C8C8C", linecolor=INK, tickfont={"color": INK})
    return fig


def _label(name: object) -> str:
    """A category label on several lines, so a long department name does not squeeze the bars off a phone
    screen (shown as text: plotly would read tags in a name)."""
    return "<br>".join(escape(line) for line in _wrap(str(name), 24))


def _number_format(value: str) -> str:
    """d3 format of a metric: means (interest 1–5) with one decimal, counts with thousands separators."""
    return formatting.AXIS_MEAN if value.startswith("mean_") else formatting.AXIS_COUNT


def _ticks(value: str, largest: float) -> dict:
    """Axis ticks for a metric. Small counts get whole-number steps: plotly would put ticks at 0.2, 0.4 …,
    which a count format shows as 0 0 0 1 1 1."""
    fmt = _number_format(value)
    small_count = fmt == formatting.AXIS_COUNT and (pd.isna(largest) or largest <= 10)
    return {"tickformat": fmt, **({"dtick": 1} if small_count else {})}


def _month_axis(fig: go.Figure, lang: str, months: int) -> None:
    """Months on the x axis and in hover labels written the language's way (Mar 2019 · 2019年3月); the dates
    speak for themselves, so no axis title (it would sit where the legend goes). Up to a year of months,
    one tick a month: left alone, plotly ticks every other week and labels two ticks with one month."""
    fig.update_xaxes(
        title=None,
        tickformat=formatting.AXIS_MONTH[lang],
        hoverformat=formatting.AXIS_MONTH[lang],
        ticklabelstandoff=10,  # clear of the value axes' "0" at the corners
        **({"dtick": "M1"} if months <= 12 else {}),
    )


def ranked_bars(
    df: pd.DataFrame,
    *,
    key: str,
    label: str,
    value: str,
    title: str,
    lang: str,
    limit: int | None = None,
    large: bool = False,
) -> go.Figure:
    """Horizontal bars, largest on top: departments, categories, cities."""
    shown = df.nlargest(limit, value) if limit else df
    shown = shown.sort_values(value)
    fig = go.Figure(
        go.Bar(
            x=shown[value],
            y=shown[label].map(slide_label if large else _label),
            orientation="h",
            customdata=shown[key],
            marker_color=LARGE_BAR if large else PALETTE[0],
            texttemplate=f"%{{x:{_number_format(value)}}}",
            textposition="auto",
            textfont={"size": LARGE_FONT_SIZE + 4} if large else None,
            textangle=0,
            hovertemplate=f"%{{y}}: %{{x:{_number_format(value)}}}<extra></extra>",
        )
    )
    fig.update_xaxes(title=t(f"col_{value}", lang), **_ticks(value, shown[value].max()))
    fig.update_yaxes(title=None, automargin=True, **({"tickfont": {"size": SLIDE_TICK_SIZE}} if large else {}))
    fig.update_layout(height=max(320, 36 * len(shown) + 120))
    return _finish(fig, title, large)


def over_time(df: pd.DataFrame, *, x: str, values: list[str], title: str, lang: str) -> go.Figure:
    """Monthly counts as lines with markers (visits and delegates on their own axes)."""
    fig = go.Figure()
    for i, value in enumerate(values):
        fig.add_trace(
            go.Scatter(
                x=df[x],
                y=df[value],
                name=t(f"col_{value}", lang),
                mode="lines+markers",
                line={"color": PALETTE[i], "dash": ["solid", "dash"][i % 2]},
                marker={"symbol": ["circle", "square"][i % 2]},
                yaxis="y" if i == 0 else "y2",
            )
        )
    _month_axis(fig, lang, df[x].nunique())
    fig.update_layout(
        yaxis={"title": t(f"col_{values[0]}", lang), "rangemode": "tozero", **_ticks(values[0], df[values[0]].max())},
        height=360,
    )
    if len(values) > 1:
        fig.update_layout(
            yaxis2={
                "title": t(f"col_{values[1]}", lang),
                "overlaying": "y",
                "side": "right",
                "rangemode": "tozero",
                "showgrid": False,
                **_ticks(values[1], df[values[1]].max()),
            }
        )
    return _finish(fig, title)


def stacked_by(df: pd.DataFrame, *, x: str, stack: str, value: str, title: str, lang: str) -> go.Figure:
    """Stacked bars of `value` per `x`, split by `stack` (e.g. delegates per month by department kind)."""
    labelled = df.assign(**{stack: df[stack].map(lambda k: t(f"{stack}_{k}", lang))})
    fig = px.bar(
        labelled,
        x=x,
        y=value,
        color=stack,
        color_discrete_sequence=PALETTE,
        pattern_shape=stack,
        pattern_shape_sequence=PATTERNS,
        labels={x: t(f"col_{x}", lang), value: t(f"col_{value}", lang), stack: t(f"col_{stack}", lang)},
    )
    fig.update_layout(height=360, barmode="stack")
    fig.update_yaxes(**_ticks(value, df.groupby(x)[value].sum().max()))
    _month_axis(fig, lang, df[x].nunique())
    return _finish(fig, title)


def _key(base: str) -> str:
    """The id column of a named thing: categories are keyed by `category_id`, the rest by their own name."""
    return "category_id" if base == "category" else base


def heatmap(
    df: pd.DataFrame,
    *,
    rows: str,
    columns: str,
    metric: str,
    title: str,
    lang: str,
    number_format: str = "",
    large: bool = False,
) -> go.Figure:
    """A rows × columns matrix of one metric (category × city, department × category). Each cell carries
    the row and column ids in `customdata`, in that order, for selection. `number_format` is a d3 format
    for the cell text (".0%" for shares)."""
    row_name, column_name = name_column(rows, lang), name_column(columns, lang)
    row_key, column_key = _key(rows), _key(columns)
    grid = df.pivot_table(index=row_name, columns=column_name, values=metric, aggfunc="sum")
    row_ids = dict(zip(df[row_name], df[row_key], strict=True))
    column_ids = dict(zip(df[column_name], df[column_key], strict=True))
    customdata = [[[row_ids[r], column_ids[c]] for c in grid.columns] for r in grid.index]
    value = f"%{{z:{number_format or _number_format(metric)}}}"
    fig = go.Figure(
        go.Heatmap(
            z=grid.values,
            x=list(grid.columns),
            y=[(slide_label if large else _label)(r) for r in grid.index],
            customdata=customdata,
            colorscale=LARGE_SEQUENTIAL if large else SEQUENTIAL,
            texttemplate=value,
            textfont={"size": LARGE_FONT_SIZE + 4} if large else None,
            hovertemplate=f"%{{x}} · %{{y}}: {value}<extra></extra>",
            colorbar={"title": t(f"col_{metric}", lang), **({} if number_format else _ticks(metric, grid.max().max()))},
            xgap=2,
            ygap=2,
        )
    )
    fig.update_xaxes(title=t(f"col_{columns}", lang))
    fig.update_yaxes(
        title=None, automargin=True, autorange="reversed", **({"tickfont": {"size": SLIDE_TICK_SIZE}} if large else {})
    )
    fig.update_layout(height=max(360, 40 * len(grid.index) + 160))
    return _finish(fig, title, large)


def funnel(row: pd.Series, *, stages: list[str], title: str, lang: str) -> go.Figure:
    """One category's way from exposure on visits to adoption: departments at each stage, widest first."""
    fig = go.Figure(
        go.Funnel(
            y=[t(f"col_{stage}", lang) for stage in stages],
            x=[int(row[stage]) for stage in stages],
            customdata=[row["category_id"]] * len(stages),
            marker={"color": PALETTE[: len(stages)]},
            textinfo="value+percent initial",
            hovertemplate="%{y}: %{x:,}<extra></extra>",
        )
    )
    fig.update_yaxes(title=None, automargin=True)
    fig.update_layout(height=360)
    return _finish(fig, title)


def reach_over_time(df: pd.DataFrame, *, x: str, title: str, lang: str) -> go.Figure:
    """Departments per period as first-time and returning stacked bars, with the cumulative reach as a line."""
    fig = go.Figure()
    for i, value in enumerate(("new_departments", "returning_departments")):
        fig.add_trace(
            go.Bar(
                x=df[x],
                y=df[value],
                name=t(f"col_{value}", lang),
                marker={"color": PALETTE[i], "pattern": {"shape": ["", "/"][i]}},
            )
        )
    fig.add_trace(
        go.Scatter(
            x=df[x],
            y=df["cumulative_departments"],
            name=t("col_cumulative_departments", lang),
            mode="lines+markers",
            line={"color": PALETTE[7], "dash": "dot"},
        )
    )
    fig.update_xaxes(title=t(f"col_{x}", lang))
    fig.update_yaxes(title=t("col_departments", lang), rangemode="tozero", tickformat=",d")
    fig.update_layout(barmode="stack", height=360)
    return _finish(fig, title)


# Latitude stretch for an equirectangular drawing near 22.7° N, so the delta keeps its shape; the box is
# the one the outline was clipped to (scripts/make_outline.py).
_MAP_ASPECT = 1.084
_MAP_BOX = {"lon": [111.9, 115.0], "lat": [21.45, 23.95]}
# Where a city's label goes when the default (above) would hit a neighbour.
_LABEL_POSITIONS = {"Macao": "bottom center", "Foshan": "middle left", "Zhongshan": "bottom center"}


def city_map(cities: pd.DataFrame, outline: pd.DataFrame, *, value: str, title: str, lang: str) -> go.Figure:
    """The Greater Bay Area cities on the bundled land outline (no tiles, no network): a bubble per city
    sized by `value`, labelled in the chosen language; unvisited cities as small open circles."""
    fig = go.Figure()
    xs: list[float | None] = []
    ys: list[float | None] = []
    for _, part in outline.groupby("part", sort=True):
        xs += [*part["lon"], None]
        ys += [*part["lat"], None]
    fig.add_trace(
        go.Scatter(
            x=xs,
            y=ys,
            fill="toself",
            mode="none",
            fillcolor="#E8E6E1",
            hoverinfo="skip",
            showlegend=False,
        )
    )
    placed = cities.dropna(subset=["lat", "lon"])
    label = name_column("city", lang)
    largest = max(int(placed[value].max() or 0), 1) if len(placed) else 1
    fig.add_trace(
        go.Scatter(
            x=placed["lon"],
            y=placed["lat"],
            mode="markers+text",
            text=placed[label],
            textposition=[_LABEL_POSITIONS.get(city, "top center") for city in placed["city"]],
            customdata=placed["city"],
            marker={
                "size": [10 + 40 * (v / largest) ** 0.5 if v else 8 for v in placed[value]],
                "color": [PALETTE[0] if v else "white" for v in placed[value]],
                "line": {"color": PALETTE[0], "width": 1.5},
                "opacity": 0.85,
            },
            hovertext=[
                f"{name}: {t('col_visits', lang)} {v:,} · {t('col_delegates', lang)} {d:,}"
                for name, v, d in zip(placed[label], placed["visits"], placed["delegates"], strict=True)
            ],
            hovertemplate="%{hovertext}<extra></extra>",
            showlegend=False,
        )
    )
    fig.update_xaxes(range=_MAP_BOX["lon"], visible=False, fixedrange=True, constrain="domain")
    fig.update_yaxes(range=_MAP_BOX["lat"], visible=False, scaleanchor="x", scaleratio=_MAP_ASPECT, fixedrange=True)
    fig.update_layout(height=560, plot_bgcolor="#D6EAF8", dragmode=False)
    return _finish(fig, title)


def indicators(numbers: dict[str, int]) -> go.Figure:
    """Key numbers as big figures in a 2 × 2 grid (the presenter's key-number slide)."""
    fig = go.Figure()
    for i, (label, value) in enumerate(numbers.items()):
        fig.add_trace(
            go.Indicator(
                mode="number",
                value=value,
                title={"text": escape(label), "font": {"size": LARGE_FONT_SIZE + 10}},
                number={"valueformat": ",d", "font": {"size": 110, "color": LARGE_BAR}},
                domain={"row": i // 2, "column": i % 2},
            )
        )
    fig.update_layout(grid={"rows": 2, "columns": 2, "pattern": "independent"}, height=640)
    return _finish(fig, "", large=True)


def text_panel(lines: list[tuple[str, int]], top: float = 0.98) -> go.Figure:
    """Text only, top to bottom from `top` (a fraction of the height), no axes (title and sources slides).
    Each line is (text, font size); long lines wrap. Text is escaped, since plotly would read tags in it."""
    fig = go.Figure()
    y = top
    for text, size in lines:
        wrapped = _wrap(text, max(20, int(3000 / size)))
        fig.add_annotation(
            text="<br>".join(escape(line) for line in wrapped),
            x=0,
            y=y,
            xref="paper",
            yref="paper",
            xanchor="left",
            yanchor="top",
            align="left",
            showarrow=False,
            font={"size": size, "color": INK},
        )
        y -= (len(wrapped) * size * 1.35 + 24) / 900
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(height=640)
    return _finish(fig, "", large=True)


def framed(
    fig: go.Figure,
    *,
    title: str = "",
    key: str = "",
    subtitle: tuple[str, ...] = (),
    footer: str = "",
    size: tuple[int, int] = (1920, 1080),
) -> go.Figure:
    """A copy of a slide's figure drawn as a whole slide of `size` pixels: title and subtitle lines top
    left, key number top right, footer bottom left (the parts that are set), clear of the axis labels above it."""
    top = (150 if title else 40) + 40 * len(subtitle)
    slide = go.Figure(fig)
    slide.update_layout(
        title={"text": escape(title), "font": {"size": 52}, "x": 0.02, "y": 1 - 40 / size[1], "yanchor": "top"},
        width=size[0],
        height=size[1],
        margin={"l": 60, "r": 60, "t": top, "b": 170 if footer else 40},
        paper_bgcolor="#FFFFFF",
    )
    # Positions in pixels above the plot area's top edge (`top` pixels below the slide's top).
    if key:
        _note(slide, f"<b>{escape(key)}</b>", x=1, anchor="right", shift=top - 105, size=44, colour=LARGE_BAR)
    for i, line in enumerate(subtitle):
        _note(slide, escape(line), x=0, anchor="left", shift=40 * (len(subtitle) - i) - 10, size=26)
    if footer:
        slide.add_annotation(
            text=escape(footer), x=0, y=0, xref="paper", yref="paper", xanchor="left", yanchor="top",
            yshift=-125, showarrow=False, font={"size": 20, "color": "#333333"},
        )  # fmt: skip
    return slide


def _note(fig: go.Figure, text: str, *, x: float, anchor: str, shift: int, size: int, colour: str = "#333333") -> None:
    fig.add_annotation(
        text=text, x=x, y=1, xref="paper", yref="paper", xanchor=anchor, yanchor="bottom", yshift=shift,
        showarrow=False, font={"size": size, "color": colour},
    )  # fmt: skip


def slide_label(name: object) -> str:
    """A category label on a slide: balanced lines broken at word boundaries (so no line holds one word or
    one CJK character alone), shown as text."""
    return "<br>".join(escape(line) for line in balanced_wrap(str(name), SLIDE_LABEL_CELLS))


def balanced_wrap(text: str, columns: int) -> list[str]:
    """`_wrap` with lines of even length: as few lines as at `columns` cells, at the narrowest width that
    still needs no more ("Electrical and Mechanical / Services Department", "物聯網及數 / 據平台" rather than
    a line of one character)."""
    lines = _wrap(text, columns)
    if len(lines) < 2:
        return lines
    for width in range(math.ceil(_cells(text) / len(lines)), columns):
        candidate = _wrap(text, width)
        if len(candidate) == len(lines):
            return candidate
    return lines


def for_slide(fig: go.Figure) -> go.Figure:
    """A page's chart restyled for a slide (a chart a presenter added to the briefing): no title (the slide
    has its own), large type in black, and category labels re-wrapped to fit the slide."""
    slide = go.Figure(fig)
    slide.update_layout(
        title=None, font={"family": FONT, "size": SLIDE_TICK_SIZE, "color": INK}, margin={"t": 16}, height=None
    )
    return fit_slide_labels(slide)


def fit_slide_labels(fig: go.Figure, plot_height: int = 600) -> go.Figure:
    """Category labels (horizontal bars, heatmap rows) that never overprint on a slide: balanced two-line
    labels when each row has room for two lines, else one line in type small enough for the row's height
    (a 20-row heatmap); the full name stays in the hover text."""
    for trace in fig.data:
        horizontal = trace.type == "heatmap" or (trace.type == "bar" and trace.orientation == "h")
        if not horizontal or trace.y is None or not all(isinstance(v, str) for v in trace.y):
            continue
        names = [unescape(v.replace("<br>", " ")) for v in trace.y]
        pitch = plot_height / max(len(names), 1)
        if pitch >= 2 * SLIDE_TICK_SIZE * 1.35:
            trace.y = [slide_label(n) for n in names]
            size = SLIDE_TICK_SIZE
        else:
            trace.y = [escape(n) for n in names]
            size = min(SLIDE_TICK_SIZE, int(pitch / 1.35))
        fig.update_yaxes(tickfont_size=size)
    return fig


def _wrap(text: str, columns: int) -> list[str]:
    """Break text into lines of at most `columns` cells (a CJK character takes two), at spaces when the
    text has them and anywhere in a run of CJK text."""
    lines: list[str] = []
    line, width = "", 0
    for word in re.findall(r"\S+\s*|\s+", text):
        cells = _cells(word.rstrip())  # trailing space may run past the edge
        if width + cells > columns and cells <= columns:
            lines.append(line)
            line, width = "", 0
        if width + cells <= columns:
            line, width = line + word, width + _cells(word)
            continue
        for char in word:  # longer than a line (CJK has no spaces): break anywhere
            if width + _cells(char) > columns:
                lines.append(line)
                line, width = "", 0
            line, width = line + char, width + _cells(char)
    lines.append(line)
    return [kept.rstrip() for kept in lines if kept.strip()] or [""]


def _cells(text: str) -> int:
    return sum(2 if east_asian_width(c) in "WF" else 1 for c in text)
