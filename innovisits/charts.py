"""Plotly figures for every chart, built from query results. No Streamlit here, so the same figures serve
the pages, the presenter mode and the exports.

Every figure has a title, axis titles in the chosen language and the row key in `customdata`, which is
what a click (plotly selection) hands back for cross-filtering."""

from __future__ import annotations

import unicodedata

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from innovisits import formatting
from innovisits.i18n import name_column, t

# Okabe–Ito: distinguishable with the common colour-vision deficiencies, and on projectors.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
# Fill patterns beside the colours, so a stacked segment is told apart without colour vision (and in greyscale).
PATTERNS = ["", "/", ".", "x", "\\", "+", "-", "|"]
SEQUENTIAL = "Blues"
FONT = "Noto Sans CJK TC, Noto Sans, Source Han Sans TC, Microsoft JhengHei, PingFang TC, sans-serif"


def _finish(fig: go.Figure, title: str) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 15}},
        font={"family": FONT, "size": 14},
        colorway=PALETTE,
        template="plotly_white",
        margin={"l": 8, "r": 8, "t": 56, "b": 8},
        # At the foot of the figure, below the axis labels however many lines they take on a phone.
        legend={"title": None, "orientation": "h", "x": 0, "yref": "container", "y": 0, "yanchor": "bottom"},
        hoverlabel={"font": {"family": FONT}},
    )
    return fig


def _wrap(label: object, width: int = 24) -> str:
    """A long category label on several lines (plotly's `<br>`), so a long department name does not squeeze
    the bars off a phone screen. Width counts a Chinese character as two; only spaces (English) or any point
    between characters (Chinese) break, so two different names never wrap to the same label."""
    lines, line, used = [], "", 0
    for word in str(label).replace(" ", " \0").split("\0"):
        pieces = [word] if " " in word or word.isascii() else list(word)
        for piece in pieces:
            size = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in piece.rstrip())
            if line and used + size > width:
                lines.append(line.rstrip())
                line, used = "", 0
            line, used = line + piece, used + size + (1 if piece.endswith(" ") else 0)
    return "<br>".join([*lines, line.rstrip()])


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
    df: pd.DataFrame, *, key: str, label: str, value: str, title: str, lang: str, limit: int | None = None
) -> go.Figure:
    """Horizontal bars, largest on top: departments, categories, cities."""
    shown = df.nlargest(limit, value) if limit else df
    shown = shown.sort_values(value)
    fig = go.Figure(
        go.Bar(
            x=shown[value],
            y=shown[label].map(_wrap),
            orientation="h",
            customdata=shown[key],
            marker_color=PALETTE[0],
            texttemplate=f"%{{x:{_number_format(value)}}}",
            textposition="auto",
            hovertemplate=f"%{{y}}: %{{x:{_number_format(value)}}}<extra></extra>",
        )
    )
    fig.update_xaxes(title=t(f"col_{value}", lang), **_ticks(value, shown[value].max()))
    fig.update_yaxes(title=None, automargin=True)
    fig.update_layout(height=max(320, 36 * len(shown) + 120))
    return _finish(fig, title)


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
    fig.update_xaxes(title=t(f"col_{x}", lang))
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


def heatmap(df: pd.DataFrame, *, rows: str, columns: str, metric: str, title: str, lang: str) -> go.Figure:
    """A rows × columns matrix of one metric (category × city, department × city). Each cell carries the
    row and column ids in `customdata`, in that order, for selection."""
    row_name, column_name = name_column(rows, lang), name_column(columns, lang)
    row_key, column_key = ("category_id" if rows == "category" else rows), columns
    grid = df.pivot_table(index=row_name, columns=column_name, values=metric, aggfunc="sum")
    row_ids = dict(zip(df[row_name], df[row_key], strict=True))
    column_ids = dict(zip(df[column_name], df[column_key], strict=True))
    customdata = [[[row_ids[r], column_ids[c]] for c in grid.columns] for r in grid.index]
    fig = go.Figure(
        go.Heatmap(
            z=grid.values,
            x=list(grid.columns),
            y=[_wrap(r) for r in grid.index],
            customdata=customdata,
            colorscale=SEQUENTIAL,
            texttemplate=f"%{{z:{_number_format(metric)}}}",
            hovertemplate=f"%{{x}} · %{{y}}: %{{z:{_number_format(metric)}}}<extra></extra>",
            colorbar={"title": t(f"col_{metric}", lang), **_ticks(metric, grid.max().max())},
            xgap=2,
            ygap=2,
        )
    )
    fig.update_xaxes(title=t(f"col_{columns}", lang))
    fig.update_yaxes(title=None, automargin=True, autorange="reversed")
    fig.update_layout(height=max(360, 40 * len(grid.index) + 160))
    return _finish(fig, title)
