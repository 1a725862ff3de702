"""Plotly figures for every chart, built from query results. No Streamlit here, so the same figures serve
the pages, the presenter mode and the exports.

Every figure has a title, axis titles in the chosen language and the row key in `customdata`, which is
what a click (plotly selection) hands back for cross-filtering."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from innovisits.i18n import name_column, t

# Okabe–Ito: distinguishable with the common colour-vision deficiencies, and on projectors.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
SEQUENTIAL = "Blues"
FONT = "Noto Sans CJK TC, Noto Sans, Source Han Sans TC, Microsoft JhengHei, PingFang TC, sans-serif"


def _finish(fig: go.Figure, title: str) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        font={"family": FONT, "size": 14},
        colorway=PALETTE,
        template="plotly_white",
        margin={"l": 8, "r": 8, "t": 56, "b": 8},
        legend={"title": None, "orientation": "h", "y": -0.15},
        hoverlabel={"font": {"family": FONT}},
    )
    return fig


def ranked_bars(
    df: pd.DataFrame, *, key: str, label: str, value: str, title: str, lang: str, limit: int | None = None
) -> go.Figure:
    """Horizontal bars, largest on top: departments, categories, cities."""
    shown = df.nlargest(limit, value) if limit else df
    shown = shown.sort_values(value)
    fig = go.Figure(
        go.Bar(
            x=shown[value],
            y=shown[label],
            orientation="h",
            customdata=shown[key],
            marker_color=PALETTE[0],
            text=shown[value],
            textposition="auto",
            hovertemplate="%{y}: %{x:,}<extra></extra>",
        )
    )
    fig.update_xaxes(title=t(f"col_{value}", lang), tickformat=",d")
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
    fig.update_layout(
        yaxis={"title": t(f"col_{values[0]}", lang), "rangemode": "tozero", "tickformat": ",d"},
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
                "tickformat": ",d",
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
        labels={x: t(f"col_{x}", lang), value: t(f"col_{value}", lang), stack: t(f"col_{stack}", lang)},
    )
    fig.update_layout(height=360, barmode="stack")
    return _finish(fig, title)


def _key(base: str) -> str:
    """The id column of a named thing: categories are keyed by `category_id`, the rest by their own name."""
    return "category_id" if base == "category" else base


def heatmap(
    df: pd.DataFrame, *, rows: str, columns: str, metric: str, title: str, lang: str, number_format: str = ""
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
    value = f"%{{z:{number_format}}}" if number_format else "%{z}"
    fig = go.Figure(
        go.Heatmap(
            z=grid.values,
            x=list(grid.columns),
            y=list(grid.index),
            customdata=customdata,
            colorscale=SEQUENTIAL,
            texttemplate=value,
            hovertemplate=f"%{{x}} · %{{y}}: {value}<extra></extra>",
            colorbar={"title": t(f"col_{metric}", lang)},
            xgap=2,
            ygap=2,
        )
    )
    fig.update_xaxes(title=t(f"col_{columns}", lang), side="top")
    fig.update_yaxes(title=None, automargin=True, autorange="reversed")
    fig.update_layout(height=max(360, 40 * len(grid.index) + 160))
    return _finish(fig, title)


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
