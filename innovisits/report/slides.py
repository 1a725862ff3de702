"""The presenter sequence, described as data: title slide → key numbers → departmental participation →
technology interest by city → highlights of the latest visit → sources and notes.

Each slide names the query behind it, how its chart is drawn (the `large=True` presenter variants of the
chart builders) and which number it leads with. No Streamlit here: the presenter page, the briefing pack
and `python -m innovisits pack` build the same slides. Queries run through a `Query` callable, so the page
passes its cached `ui.query` and the command line a plain store."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from innovisits.data.config import data_location, is_sample
from innovisits.data.filters import Filters
from innovisits.data.store import KEY_NUMBERS, Store
from innovisits.i18n import name_column, own_text, t
from innovisits.report import charts

# query(name, filters, **values) -> DataFrame: `ui.query` on the page, `store_query(store)` elsewhere.
Query = Callable[..., pd.DataFrame]


@dataclass(frozen=True)
class Context:
    """What every slide is drawn from: the data, the filters and the language."""

    query: Query
    filters: Filters
    lang: str
    summary: Mapping[str, Any]
    is_sample: bool
    today: date


@dataclass(frozen=True)
class Slide:
    """One built slide. `figure` is None for text slides, which carry `lines` instead; `data` is the table
    behind the chart (what the exports write)."""

    name: str
    title: str
    figure: go.Figure | None = None
    key: str = ""
    subtitle: tuple[str, ...] = ()
    lines: tuple[str, ...] = ()
    data: pd.DataFrame | None = None


@dataclass(frozen=True)
class SlideSpec:
    """A slide as data: its title, the query behind it (and values beyond the filters), how it is drawn
    and which number it leads with. `draw` returns the figure and any subtitle lines."""

    name: str
    title_key: str
    query: str | None = None
    values: Mapping[str, Any] = field(default_factory=dict)
    key: Callable[[Context, pd.DataFrame], tuple[str, int]] | None = None
    draw: Callable[[Context, pd.DataFrame], tuple[go.Figure, tuple[str, ...]]] | None = None
    text: Callable[[Context], tuple[str, ...]] | None = None


def store_query(store: Store) -> Query:
    """A `Query` over a store, for the command line and tests."""

    def query(name: str, filters: Filters | None = None, **values: Any) -> pd.DataFrame:
        return store.execute(name, filters, **values).df()

    return query


def context(
    query: Query, filters: Filters, lang: str, *, source: Path | str | None = None, today: date | None = None
) -> Context:
    """`source` is the data directory `query` reads (the configured one unless said otherwise): the
    slides carry the sample-data warning when it is the bundled sample."""
    return Context(
        query=query,
        filters=filters,
        lang=lang,
        summary=query("summary", filters).iloc[0].to_dict(),
        is_sample=is_sample(source or data_location()),
        today=today or date.today(),
    )


# ------------------------------------------------------------------------------------------ text slides


def filter_summary(ctx: Context) -> str:
    """The filters in words, in the chosen language ("All visits" when there are none)."""
    f, lang = ctx.filters, ctx.lang
    names: dict[str, dict[str, str]] = {}
    if f.cities:
        cities = ctx.query("filter_cities")
        names["cities"] = dict(zip(cities["city"], cities["name_zh" if lang == "zh" else "city"], strict=True))
    if f.departments:
        departments = ctx.query("filter_departments")
        names["departments"] = dict(
            zip(departments["department_id"], departments[name_column("name", lang)], strict=True)
        )
    if f.categories:
        categories = ctx.query("filter_categories")
        names["categories"] = dict(zip(categories["category_id"], categories[name_column("name", lang)], strict=True))
    names["kinds"] = {k: t(f"kind_{k}", lang) for k in f.kinds}
    parts = [
        t("present_filter_part", lang, name=t(f"filter_{d[5:]}", lang), values=getattr(f, d).isoformat())
        for d in ("date_from", "date_to")
        if getattr(f, d)
    ]
    for field_name in ("cities", "kinds", "departments", "categories"):
        chosen = getattr(f, field_name)
        if chosen:
            shown = ", ".join(names[field_name].get(v, v) for v in chosen)
            parts.append(t("present_filter_part", lang, name=t(f"filter_{field_name}", lang), values=shown))
    return " · ".join(parts) or t("present_all_visits", lang)


def _title_lines(ctx: Context) -> tuple[str, ...]:
    last = ctx.query("date_span").iloc[0]["last_visit_date"]
    lines = [
        t("app_tagline", ctx.lang),
        t("present_filters", ctx.lang, summary=filter_summary(ctx)),
        t("present_data_date", ctx.lang, date=_day(last)),
        t("present_generated", ctx.lang, date=ctx.today.isoformat()),
    ]
    return (*lines, t("sample_notice", ctx.lang)) if ctx.is_sample else tuple(lines)


def _source_lines(ctx: Context) -> tuple[str, ...]:
    keys = ("present_source_data", "present_source_counts", "present_source_interest", "present_source_latest")
    lines = [*(t(k, ctx.lang) for k in keys), t("present_filters", ctx.lang, summary=filter_summary(ctx))]
    return (t("sample_notice", ctx.lang), *lines) if ctx.is_sample else tuple(lines)


def _day(value: Any) -> str:
    """A date as YYYY-MM-DD, whether DuckDB handed back a date or a timestamp."""
    return pd.Timestamp(value).date().isoformat() if pd.notna(value) else "—"


# ----------------------------------------------------------------------------------------- chart slides


def _summary_key(metric: str) -> Callable[[Context, pd.DataFrame], tuple[str, int]]:
    return lambda ctx, _data: (metric, int(ctx.summary[metric]))


def _key_numbers(ctx: Context, _data: pd.DataFrame) -> tuple[go.Figure, tuple[str, ...]]:
    numbers = {t(f"metric_{k}", ctx.lang): int(ctx.summary[k]) for k in KEY_NUMBERS}
    return charts.indicators(numbers), ()


def _participation(ctx: Context, data: pd.DataFrame) -> tuple[go.Figure, tuple[str, ...]]:
    fig = charts.ranked_bars(
        data,
        key="department",
        label=name_column("department", ctx.lang),
        value="delegates",
        title="",
        lang=ctx.lang,
        limit=10,
        large=True,
    )
    return fig, ()


def _interest(ctx: Context, data: pd.DataFrame) -> tuple[go.Figure, tuple[str, ...]]:
    fig = charts.heatmap(data, rows="category", columns="city", metric="visits", title="", lang=ctx.lang, large=True)
    return fig, ()


def _latest_visit(ctx: Context, data: pd.DataFrame) -> tuple[go.Figure, tuple[str, ...]]:
    visit = data.iloc[0]
    delegation = ctx.query("visit_delegation", visit_id=visit["visit_id"])
    seen = ctx.query("visit_categories", visit_id=visit["visit_id"])
    fig = charts.ranked_bars(
        delegation,
        key="department",
        label=name_column("department", ctx.lang),
        value="delegates",
        title="",
        lang=ctx.lang,
        large=True,
    )
    host, title = (own_text(visit, f, ctx.lang) for f in ("host", "title"))
    fields = (visit["visit_date"], visit[name_column("city", ctx.lang)], host, title)
    where = " · ".join(_day(v) if i == 0 else str(v) for i, v in enumerate(fields) if pd.notna(v) and str(v))
    categories = "、" if ctx.lang == "zh" else ", "
    seen_line = t("present_latest_seen", ctx.lang, categories=categories.join(seen[name_column("category", ctx.lang)]))
    return fig, (where, seen_line) if len(seen) else (where,)


SEQUENCE: tuple[SlideSpec, ...] = (
    SlideSpec("title", "app_title", text=_title_lines),
    SlideSpec("key_numbers", "present_key_numbers", "summary", key=_summary_key("visits"), draw=_key_numbers),
    SlideSpec(
        "participation",
        "present_participation",
        "delegates_by_department",
        key=_summary_key("departments"),
        draw=_participation,
    ),
    SlideSpec("interest", "present_interest", "interest_by_city_category", key=_summary_key("cities"), draw=_interest),
    SlideSpec(
        "latest_visit",
        "present_latest_visit",
        "visit_list",
        values={"search": None, "limit": 1},
        key=lambda _ctx, data: ("delegates", int(data.iloc[0]["delegates"])),
        draw=_latest_visit,
    ),
    SlideSpec("sources", "present_sources", text=_source_lines),
)


def build_slide(ctx: Context, spec: SlideSpec) -> Slide:
    """One slide, drawn from the data in `ctx`; a chart slide with no visits in view says so instead."""
    title = t(spec.title_key, ctx.lang)
    if spec.text:
        return Slide(spec.name, title, lines=spec.text(ctx))
    data = ctx.query(spec.query, ctx.filters, **spec.values)
    if not ctx.summary["visits"] or data.empty:
        return Slide(spec.name, title, lines=(t("present_no_visits", ctx.lang),), data=data)
    figure, subtitle = spec.draw(ctx, data)
    metric, value = spec.key(ctx, data)
    key = t("present_key", ctx.lang, value=f"{value:,}", label=t(f"metric_{metric}", ctx.lang))
    return Slide(spec.name, title, figure, key, subtitle, data=data)


@dataclass(frozen=True)
class Deck:
    """The built sequence, with what the pack needs to label it."""

    slides: list[Slide]
    lang: str
    is_sample: bool

    def footer(self, number: int) -> str:
        """The line at the foot of an exported slide: app, slide number and the sample-data warning."""
        parts = [t("app_title", self.lang), t("present_counter", self.lang, number=number, total=len(self.slides))]
        return " · ".join([*parts, t("present_sample_short", self.lang)] if self.is_sample else parts)


def build(
    query: Query, filters: Filters, lang: str, *, source: Path | str | None = None, today: date | None = None
) -> Deck:
    """The whole sequence for these filters and this language."""
    ctx = context(query, filters, lang, source=source, today=today)
    return Deck([build_slide(ctx, spec) for spec in SEQUENCE], lang, ctx.is_sample)
