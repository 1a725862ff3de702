"""Plotly figures for every chart, built from query results. No Streamlit here, so the same figures serve
the pages, the presenter mode and the exports.

Every figure has a title, axis titles in the chosen language and the row key in `customdata`, which is
what a click (plotly selection) hands back for cross-filtering."""

from __future__ import annotations

import math
import re
from html import escape, unescape

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import plotly.io as pio

from innovisits.i18n import formatting, name_column, t
from innovisits.report import text_width

# Okabe–Ito: distinguishable with the common colour-vision deficiencies, and on projectors.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
# Fill patterns beside the colours, so a stacked segment is told apart without colour vision (and in greyscale).
PATTERNS = ["", "/", ".", "x", "\\", "+", "-", "|"]
# Sequential scales from a pale but visible blue at zero to dark blue, so the smallest value is not mistaken for
# an empty (white) cell; text on the cells switches to white on the dark end (plotly picks the contrast).
SEQUENTIAL = [[0.0, "#DCEAF6"], [0.5, "#4F94CD"], [1.0, "#08306B"]]
MUTED = "#E4E4E4"  # cells below a threshold: out of the colour scale
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


# Plotly's "plotly_white" look, kept to the trace and subplot types these charts draw. The whole template (styles
# for every trace type, 3D scenes, polar, ternary and map subplots) is copied and validated with every figure
# built or copied: most of a page's rerun on the sample data (see docs/benchmark.md, "Browser").
_WHITE = pio.templates["plotly_white"]
TEMPLATE = go.layout.Template(
    layout={k: v for k, v in _WHITE.layout.to_plotly_json().items() if k not in ("polar", "ternary", "scene", "geo")},
    data={kind: _WHITE.data[kind] for kind in ("bar", "scatter", "heatmap")},
)
# Plotly's default template: every figure gets it when built, unvalidated (plotly trusts its registered default),
# where setting it on each figure validated and copied it again (a third of building a chart; the same JSON).
# Every figure of the app is built here.
pio.templates["innovisits"] = TEMPLATE
pio.templates.default = "innovisits"
TITLE_CELLS = 44  # a chart title's line: what fits across a phone (plotly does not wrap titles)


def _title_lines(title: str) -> list[str]:
    """A long title on as few lines of at most `TITLE_CELLS` as it needs, of even length."""
    cells = _cells(title)
    lines = math.ceil(cells / TITLE_CELLS) if cells else 1
    return _wrap(title, min(TITLE_CELLS, math.ceil(cells / lines) + 6)) if lines > 1 else [title]


def _finish(fig: go.Figure, title: str, large: bool = False, room: dict[str, int] | None = None) -> go.Figure:
    """Title, type, colours and legend; margins of 8 px, or the `room` the labels take (`_room`)."""
    lines = [title] if large else _title_lines(title)
    fig.update_layout(
        title={"text": "<br>".join(lines), "x": 0, "xanchor": "left"} | ({} if large else {"font": {"size": 15}}),
        font={"family": FONT, "size": LARGE_FONT_SIZE if large else 14} | ({"color": INK} if large else {}),
        colorway=PALETTE,
        margin={"l": 8, "r": 8, "t": 56 + 20 * (len(lines) - 1), "b": 8} | (room or {}),
        # At the foot of the figure, below the axis labels however many lines they take on a phone.
        legend={"title": None, "orientation": "h", "x": 0, "yref": "container", "y": 0, "yanchor": "bottom"},
        hoverlabel={"font": {"family": FONT}},
    )
    if large:
        fig.update_xaxes(gridcolor="#8C8C8C", linecolor=INK, tickfont={"color": INK})
        fig.update_yaxes(gridcolor="#8C8C8C", linecolor=INK, tickfont={"color": INK})
    return fig


# A page's chart as Streamlit's theme draws it: tick labels at 12 px. The room plotly's `automargin` makes at a
# desktop width, measured in Chromium (tests/browser/test_every_page.py checks it): beside category labels, 18 px
# more than the widest; beside a value axis with its title, 51 px more than the widest tick; below a value axis
# and its title, 62 px; below a level period axis and the legend, 71 px; below a heatmap, see
# `_room_below_columns`. (A phone turns period labels upright, and plotly then makes more room itself.)
TICK_SIZE = 12
ROOM_BESIDE_LABELS = 18
ROOM_BESIDE_VALUES = 51
ROOM_BELOW_VALUES = 62
ROOM_BELOW_PERIODS = 71
ROOM_BELOW_LEVEL_COLUMNS = 114
ROOM_BELOW_UPRIGHT_COLUMNS = 102


def _room(labels: list[str] | None = None, top: float | None = None, below: int | None = None) -> dict[str, int]:
    """Margins as wide as plotly's `automargin` would make them, so it draws the chart once, not twice (see
    `text_width`): left of category `labels`, or of a value axis whose top tick is `top`; `below` under the
    plot. Empty where the labels cannot be measured: plotly makes the room itself."""
    if labels is not None:
        width, pad = text_width.widest(labels, TICK_SIZE), ROOM_BESIDE_LABELS
    else:
        width, pad = text_width.widest([f"{top:,.0f}"], TICK_SIZE), ROOM_BESIDE_VALUES
    if width is None:
        return {}
    return {"l": math.ceil(width) + pad} | ({"b": below} if below else {})


def _room_below_columns(labels: list[str], upright: bool) -> int | None:
    """The room plotly makes at a desktop width below a heatmap's column labels, its title and the scale: 114 px
    under level one-line labels, the widest label and 102 px under upright ones. None when unknown (level labels
    of two lines, or no font to measure with)."""
    if not upright:
        return ROOM_BELOW_LEVEL_COLUMNS if all("<br>" not in label for label in labels) else None
    width = text_width.widest(labels, TICK_SIZE)
    return None if width is None else math.ceil(width) + ROOM_BELOW_UPRIGHT_COLUMNS


def _top_tick(largest: float) -> float:
    """The highest tick of a count axis from zero, which plotly puts at a round number at or above `largest`."""
    step = nice_step(largest)
    return step * math.ceil(max(float(largest or 0), 1.0) / step)


LABEL_CELLS = 28  # a category label's line, in cells (a CJK character takes two)
UPRIGHT_COLUMNS = 5  # a heatmap with more columns than this turns their labels upright
LABEL_LINES = 2  # lines of a category label before it is shortened (the full name is on hover)


def _label(name: object, lines: int = LABEL_LINES) -> str:
    """A category label on at most `lines` lines, so a long department name does not squeeze the bars off a
    phone screen; cut with "…" beyond that (hover shows the whole name). Shown as text: plotly would read tags
    in a name."""
    wrapped = _wrap(str(name), LABEL_CELLS)
    if len(wrapped) > lines:
        wrapped = [*wrapped[: lines - 1], formatting.shorten(" ".join(wrapped[lines - 1 :]), LABEL_CELLS)]
    return "<br>".join(escape(line) for line in wrapped)


def _number_format(value: str) -> str:
    """d3 format of a metric: means (interest 1–5) with one decimal, counts with thousands separators."""
    return formatting.AXIS_MEAN if value.startswith("mean_") else formatting.AXIS_COUNT


def _ticks(value: str, largest: float) -> dict:
    """Axis ticks for a metric. Small counts get whole-number steps: plotly would put ticks at 0.2, 0.4 …,
    which a count format shows as 0 0 0 1 1 1."""
    fmt = _number_format(value)
    small_count = fmt == formatting.AXIS_COUNT and (pd.isna(largest) or largest <= 10)
    return {"tickformat": fmt, **({"dtick": 1} if small_count else {})}


def _period_labels(periods: pd.Series, lang: str, granularity: str) -> list[str]:
    """Each period (first day of a month or quarter) as the chosen language writes it: the x values of a chart
    over time. A category axis of these has a tick on every period (or every n-th, when they would not fit) and
    never between periods, so monthly bars and lines share their ticks."""
    return [formatting.period_text(p, lang, granularity) for p in pd.to_datetime(periods)]


def _period_axis(fig: go.Figure, granularity: str) -> None:
    """The x axis of periods: categories in time order; the labels speak for themselves, so no axis title
    (it would sit where the legend goes). The figure's `meta` names the granularity, so a test can find the
    series over time in a page and check that none misses a period."""
    fig.update_xaxes(title=None, type="category", ticklabelstandoff=10)  # clear of the value axes' "0"
    fig.update_layout(meta={"periods": granularity})


def nice_step(largest: float, intervals: int = 4) -> float:
    """A round step (1, 2 or 5 × a power of ten, at least 1) dividing 0…`largest` into about `intervals`."""
    raw = max(float(largest or 0), 1.0) / intervals
    if raw <= 1:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw - 1e-9)


def shared_ticks(largest: list[float], intervals: int = 4) -> list[dict]:
    """Axes over one plot area with ticks at round numbers on each (0/10/20/30 beside 0/2/4/6), the same
    number of intervals on each, so their gridlines coincide (a marker on the top line is drawn whole: the
    series are not clipped at the axes)."""
    steps = [nice_step(value, intervals) for value in largest]
    count = max(math.ceil(max(float(v or 0), 1.0) / step - 1e-9) for v, step in zip(largest, steps, strict=True))
    return [{"range": [0, count * step], "dtick": step, "tick0": 0} for step in steps]


def _row_height(labels: list[str], large: bool = False) -> int:
    """Pixels per category row: room for its label's lines, so neighbouring labels never overlap."""
    lines = max((label.count("<br>") + 1 for label in labels), default=1)
    return (40 if large else 22) * lines + (20 if large else 14)


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
    selected: tuple[str, ...] = (),
) -> go.Figure:
    """Horizontal bars, largest on top: departments, categories, cities. Long names are shortened (the whole
    name is on hover). The rows in `selected` (a cross-filter) are drawn strong and the others faint, so the
    chart keeps its context. A row is clickable along its whole width, so a very short bar is easy to hit."""
    shown = df.nlargest(limit, value) if limit else df
    shown = shown.sort_values(value)
    labels = [(slide_label if large else _label)(name) for name in shown[label]]
    chosen = [not selected or k in selected for k in shown[key]]
    decimals = 1 if value.startswith("mean_") else 0
    # The whole name and the number, the same whichever of a row's two bars the pointer is over.
    hover = [
        f"{escape(str(name))}: {formatting.number_text(v, lang, decimals) if pd.notna(v) else '—'}"
        for name, v in zip(shown[label], shown[value], strict=True)
    ]
    row = {"y": labels, "orientation": "h", "customdata": shown[key], "hovertext": hover}
    fig = go.Figure(
        go.Bar(
            x=shown[value],
            marker={"color": LARGE_BAR if large else PALETTE[0], "opacity": [1.0 if c else 0.3 for c in chosen]},
            texttemplate=f"%{{x:{_number_format(value)}}}",
            textposition="auto",
            textfont={"size": LARGE_FONT_SIZE + 4} if large else None,
            # White on a strong bar, ink on a faint one (and beside a bar too short to hold its number).
            insidetextfont={"color": ["#FFFFFF" if c else INK for c in chosen]},
            outsidetextfont={"color": INK},
            textangle=0,
            hovertemplate="%{hovertext}<extra></extra>",
            showlegend=False,
            **row,
        )
    )
    if not large:  # an invisible full-width bar over each row catches clicks beside a short bar
        fig.add_trace(
            go.Bar(
                x=[shown[value].max()] * len(shown),
                marker={"color": "rgba(0,0,0,0)"},
                hovertemplate="%{hovertext}<extra></extra>",
                showlegend=False,
                **row,
            )
        )
        fig.update_layout(barmode="overlay")
    fig.update_xaxes(title=t(f"col_{value}", lang), **_ticks(value, shown[value].max()))
    fig.update_yaxes(title=None, automargin=True, **({"tickfont": {"size": SLIDE_TICK_SIZE}} if large else {}))
    fig.update_layout(height=max(320, _row_height(labels, large) * len(shown) + 120))
    return _finish(fig, title, large, None if large else _room(labels, below=ROOM_BELOW_VALUES))


def over_time(
    df: pd.DataFrame, *, x: str, values: list[str], title: str, lang: str, granularity: str = "month"
) -> go.Figure:
    """Counts per period as lines with markers (visits and delegates on their own axes, ticks at round
    numbers on both). `df` has a row for every period, zeros included (the queries fill the gaps)."""
    fig = go.Figure()
    periods = _period_labels(df[x], lang, granularity)
    for i, value in enumerate(values):
        fig.add_trace(
            go.Scatter(
                x=periods,
                y=df[value],
                name=t(f"col_{value}", lang),
                mode="lines+markers",
                line={"color": PALETTE[i], "dash": ["solid", "dash"][i % 2]},
                marker={"symbol": ["circle", "square"][i % 2]},
                yaxis="y" if i == 0 else "y2",
                cliponaxis=False,
                hovertemplate=f"%{{x}}: %{{y:{_number_format(value)}}}",
            )
        )
    _period_axis(fig, granularity)
    ticks = shared_ticks([df[value].max() for value in values])
    fig.update_layout(
        yaxis={"title": t(f"col_{values[0]}", lang), "tickformat": _number_format(values[0]), **ticks[0]},
        height=360,
    )
    if len(values) > 1:
        fig.update_layout(
            yaxis2={
                "title": t(f"col_{values[1]}", lang),
                "overlaying": "y",
                "side": "right",
                "showgrid": False,
                "tickformat": _number_format(values[1]),
                **ticks[1],
            }
        )
    if len(values) == 1:
        room = _room(top=ticks[0]["range"][1], below=ROOM_BELOW_PERIODS)
    else:  # two value axes: plotly settles a few pixels wider on every side
        left, right = (_room(top=tick["range"][1], below=ROOM_BELOW_PERIODS + 4) for tick in ticks)
        room = left and {**left, "l": left["l"] + 3, "r": right["l"] + 4}
    return _finish(fig, title, room=room)


def stacked_by(df: pd.DataFrame, *, x: str, stack: str, value: str, title: str, lang: str) -> go.Figure:
    """Stacked bars of `value` per month `x`, split by `stack` (e.g. delegates per month by department kind)."""
    labelled = df.assign(
        **{stack: df[stack].map(lambda k: t(f"{stack}_{k}", lang)), x: _period_labels(df[x], lang, "month")}
    )
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
    largest = df.groupby(x)[value].sum().max()
    fig.update_yaxes(**_ticks(value, largest))
    _period_axis(fig, "month")
    return _finish(fig, title, room=_room(top=_top_tick(largest), below=ROOM_BELOW_PERIODS))


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
    muted: pd.Series | None = None,
    muted_note: str = "",
) -> go.Figure:
    """A rows × columns matrix of one metric (category × city, department × category). Each cell carries
    the row and column ids in `customdata`, in that order, for selection. `number_format` is a d3 format
    for the cell text (".0%" for shares). The colour scale runs from zero, so a small value is a pale colour
    and not the white of an empty cell; empty cells have no colour and no gridlines run through them.
    Rows of `df` where `muted` is true (too few delegates to trust, or outside a cross-filter selection) are
    drawn in grey, apart from the scale, with `muted_note` in their hover label."""
    row_name, column_name = name_column(rows, lang), name_column(columns, lang)
    row_key, column_key = _key(rows), _key(columns)
    # One row per cell; "first" keeps a missing value (a mean of no scores) empty, where "sum" would show 0.
    grid = df.pivot_table(index=row_name, columns=column_name, values=metric, aggfunc="first", dropna=False)
    is_muted = df.assign(_muted=False if muted is None else muted.astype(bool))
    mask = is_muted.pivot_table(index=row_name, columns=column_name, values="_muted", aggfunc="any", dropna=False)
    mask = mask.reindex_like(grid).fillna(False).astype(bool)
    grids = [grid.where(~mask), grid.where(mask)]
    row_ids = dict(zip(df[row_name], df[row_key], strict=True))
    column_ids = dict(zip(df[column_name], df[column_key], strict=True))
    customdata = [[[row_ids[r], column_ids[c]] for c in grid.columns] for r in grid.index]
    value = f"%{{z:{number_format or _number_format(metric)}}}"
    largest = grid.max().max()
    # Many columns: each label on one line, upright boxes side by side (turned a quarter), cut to a length;
    # a few: wrapped, level. Hover names the cell in full.
    upright = len(grid.columns) > UPRIGHT_COLUMNS
    row_labels = [(slide_label if large else _label)(r) for r in grid.index]
    names = [[escape(f"{c} · {r}") for c in grid.columns] for r in grid.index]
    labels = {
        "x": [escape(formatting.shorten(str(c), LABEL_CELLS)) if upright else _label(c) for c in grid.columns],
        "y": row_labels,
        "customdata": customdata,
        "hovertext": names,
    }
    cells = {"texttemplate": value, "textfont": {"size": LARGE_FONT_SIZE + 4} if large else None, "xgap": 2, "ygap": 2}
    fig = go.Figure(
        go.Heatmap(
            z=grids[0].values,
            colorscale=LARGE_SEQUENTIAL if large else SEQUENTIAL,
            zmin=0,
            zmax=largest if pd.notna(largest) and largest > 0 else 1,
            hovertemplate=f"%{{hovertext}}: {value}<extra></extra>",
            # Below the plot, across, under the metric's name (the x axis title): beside the plot, the scale
            # took the columns' room on a phone.
            colorbar={
                "orientation": "h",
                "yref": "container",
                "y": 0,
                "yanchor": "bottom",
                "xref": "container",
                "x": 0,
                "xanchor": "left",
                "len": 480 if large else 160,
                "lenmode": "pixels",
                "thickness": 24 if large else 12,
                **({} if number_format else _ticks(metric, largest)),
            },
            hoverongaps=False,
            **labels,
            **cells,
        )
    )
    if mask.to_numpy().any():
        fig.add_trace(
            go.Heatmap(
                z=grids[1].values,
                colorscale=[[0, MUTED], [1, MUTED]],
                showscale=False,
                hovertemplate=f"%{{hovertext}}: {value} ({escape(muted_note)})<extra></extra>",
                hoverongaps=False,
                **labels,
                **cells,
            )
        )
    fig.update_xaxes(
        title=t(f"col_{metric}", lang),  # the columns name themselves; this names the scale just below
        showgrid=False,
        zeroline=False,
        # Level while they fit, else turned upright (side by side, never on top of each other).
        **({"tickangle": -90} if upright else {"autotickangles": [0, -90]}),
        tickfont={"size": LARGE_FONT_SIZE if large else 12},
    )
    fig.update_yaxes(
        title=None,
        automargin=True,
        autorange="reversed",
        showgrid=False,
        zeroline=False,
        **({"tickfont": {"size": SLIDE_TICK_SIZE}} if large else {}),
    )
    # Room for the column labels should they turn upright (plotly turns them when they do not fit level).
    top = max((formatting.text_cells(str(c)) for c in grid.columns), default=0)
    label_room = min(top, LABEL_CELLS) * (16 if large else 7)
    fig.update_layout(height=max(360, _row_height(row_labels, large) * len(grid.index) + 220 + label_room))
    # Room for the scale below: measured on a page (`_room_below_columns`), else a floor plotly widens as needed.
    below = 130 if large else _room_below_columns(labels["x"], upright) or 70
    return _finish(fig, title, large, {"b": below} | ({} if large else _room(row_labels)))


def outside_selection(df: pd.DataFrame, selection: dict[str, tuple[str, ...]]) -> pd.Series | None:
    """Rows of `df` outside a cross-filter selection ({key column: chosen values}; an empty choice selects
    all), to draw faint; None when nothing is selected."""
    if not any(selection.values()):
        return None
    inside = pd.Series(True, index=df.index)
    for column, values in selection.items():
        if values:
            inside &= df[column].isin(values)
    return ~inside


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


def reach_over_time(df: pd.DataFrame, *, x: str, title: str, lang: str, granularity: str = "month") -> go.Figure:
    """Departments per period as first-time and returning stacked bars, with the cumulative reach as a line
    (on the same period ticks as the bars)."""
    fig = go.Figure()
    periods = _period_labels(df[x], lang, granularity)
    for i, value in enumerate(("new_departments", "returning_departments")):
        fig.add_trace(
            go.Bar(
                x=periods,
                y=df[value],
                name=t(f"col_{value}", lang),
                marker={"color": PALETTE[i], "pattern": {"shape": ["", "/"][i]}},
            )
        )
    fig.add_trace(
        go.Scatter(
            x=periods,
            y=df["cumulative_departments"],
            name=t("col_cumulative_departments", lang),
            mode="lines+markers",
            cliponaxis=False,
            line={"color": PALETTE[7], "dash": "dot"},
        )
    )
    _period_axis(fig, granularity)
    ticks = shared_ticks([df["cumulative_departments"].max()])[0]
    fig.update_yaxes(title=t("col_departments", lang), tickformat=",d", **ticks)
    fig.update_layout(barmode="stack", height=360)
    return _finish(fig, title, room=_room(top=ticks["range"][1], below=ROOM_BELOW_PERIODS))


# Latitude stretch for an equirectangular drawing near 22.7° N, so the delta keeps its shape; the box is
# the one the outline was clipped to (scripts/make_outline.py).
_MAP_ASPECT = 1.084
_MAP_BOX = {"lon": [111.9, 115.0], "lat": [21.45, 23.95]}
# Where a city's label goes when the default (above) would hit a neighbour.
_LABEL_POSITIONS = {
    "Macao": "bottom center",
    "Foshan": "middle left",
    "Zhongshan": "middle left",
    "Hong Kong": "bottom right",
}


def _bubble(value: float, largest: float) -> float:
    """A bubble's diameter in pixels: its area grows with the value (an empty city is a small open circle)."""
    return 10 + 40 * (value / largest) ** 0.5 if value else 8


def city_map(
    cities: pd.DataFrame, outline: pd.DataFrame, *, value: str, title: str, lang: str, selected: tuple[str, ...] = ()
) -> go.Figure:
    """The Greater Bay Area cities on the bundled land outline (no tiles, no network): a bubble per city
    sized by `value`, labelled in the chosen language with its number, and a size legend drawn at the same
    scale in the sea; unvisited cities as small open circles, cities outside a cross-filter selection faint."""
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
            text=[
                f"{escape(str(name))}<br>{formatting.number_text(v, lang)}" if v else escape(str(name))
                for name, v in zip(placed[label], placed[value], strict=True)
            ],
            textposition=[_LABEL_POSITIONS.get(city, "top center") for city in placed["city"]],
            customdata=placed["city"],
            marker={
                "size": [_bubble(v, largest) for v in placed[value]],
                "color": [PALETTE[0] if v else "white" for v in placed[value]],
                "line": {"color": PALETTE[0], "width": 1.5},
                "opacity": [0.85 if not selected or c in selected else 0.25 for c in placed["city"]],
            },
            hovertext=[
                f"{escape(str(name))}: {formatting.count_text(int(v), 'visit', lang)} · "
                f"{formatting.count_text(int(d), 'delegate', lang)}"
                for name, v, d in zip(placed[label], placed["visits"], placed["delegates"], strict=True)
            ],
            hovertemplate="%{hovertext}<extra></extra>",
            showlegend=False,
        )
    )
    _size_legend(fig, largest, value, lang)
    # Both axes keep the outline's box and give up plot area instead ("domain"): a latitude range stretched to
    # fill a phone was written back into the figure, and the map kept the phone's width once the window widened.
    fig.update_xaxes(range=_MAP_BOX["lon"], visible=False, fixedrange=True, constrain="domain")
    fig.update_yaxes(
        range=_MAP_BOX["lat"],
        visible=False,
        scaleanchor="x",
        scaleratio=_MAP_ASPECT,
        fixedrange=True,
        constrain="domain",
    )
    fig.update_layout(height=560, plot_bgcolor="#D6EAF8", dragmode=False)
    return _finish(fig, title)


def _size_legend(fig: go.Figure, largest: int, value: str, lang: str) -> None:
    """Reference bubbles (the largest value and round smaller ones) at the map's scale, bottom right in the
    sea, each with its count, so a bubble's size can be read as a number."""
    sizes = sorted({largest, nice_step(largest / 4, 1)}, reverse=True) if largest > 1 else [largest]
    fig.add_trace(
        go.Scatter(
            x=[114.8] * len(sizes),
            y=[22.0 - 0.3 * i for i in range(len(sizes))],
            mode="markers+text",
            text=[formatting.count_text(int(v), value.removesuffix("s"), lang) for v in sizes],
            textposition="middle left",
            textfont={"size": 12},
            marker={"size": [_bubble(v, largest) for v in sizes], "color": PALETTE[0], "opacity": 0.85},
            hoverinfo="skip",
            showlegend=False,
        )
    )


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
    text has them. A run of CJK text longer than a line is cut into equal parts, so no line holds a lone
    character ("分/析" reads as two words)."""
    lines: list[str] = []
    line, width = "", 0
    for word in re.findall(r"\S+\s*|\s+", text):
        cells = _cells(word.rstrip())  # trailing space may run past the edge
        if width + cells > columns and line.strip():
            lines.append(line)
            line, width = "", 0
        if width + cells <= columns:
            line, width = line + word, width + _cells(word)
            continue
        chars = word.rstrip()  # longer than a line (CJK has no spaces): parts differing by one character at most
        parts = math.ceil(cells / columns)
        sizes = [len(chars) // parts + (i < len(chars) % parts) for i in range(parts)]
        ends = [sum(sizes[: i + 1]) for i in range(parts)]
        chunks = [chars[end - size : end] for size, end in zip(sizes, ends, strict=True)]
        chunks[-1] += word[len(chars) :]
        lines.extend(chunks[:-1])
        line, width = chunks[-1], _cells(chunks[-1])
    lines.append(line)
    return [kept.rstrip() for kept in lines if kept.strip()] or [""]


def _cells(text: str) -> int:
    return formatting.text_cells(text)
