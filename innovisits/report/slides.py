"""The presenter sequence, described as data: title slide → key numbers → departmental participation →
technology interest by city → highlights of the latest visit → sources and notes. When a presenter has chosen
charts for the briefing (any chart on any page), those replace the four middle slides, in the order chosen.

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
from innovisits.i18n import formatting, name_column, own_text, t
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

    def filter_line(self, filters: Filters | None = None) -> str:
        """ "Filters: …" in words: shown on every slide, so a filtered chart never passes for the whole."""
        return t("present_filters", self.lang, summary=filter_summary(self, filters))


@dataclass(frozen=True)
class Slide:
    """One built slide. `figure` is None for text slides, which carry `lines` (the title slide) or `notes`
    ((heading, text) pairs: the sources slide) instead; `numbers` are the key numbers as (value, label) text,
    written out wherever text can be (presenter mode, the PPTX); `data` is the table behind the chart (what
    the exports write); `filters` is the filter line the slide was drawn with."""

    name: str
    title: str
    figure: go.Figure | None = None
    key: str = ""
    subtitle: tuple[str, ...] = ()
    lines: tuple[str, ...] = ()
    data: pd.DataFrame | None = None
    numbers: tuple[tuple[str, str], ...] = ()
    notes: tuple[tuple[str, str], ...] = ()
    filters: str = ""


@dataclass(frozen=True)
class ChosenChart:
    """A chart a presenter added to the briefing from a page: the figure as the page drew it, its table,
    and the filters it was drawn with (its slide says them, whatever the filters are when presenting)."""

    key: str
    title: str
    figure: go.Figure
    data: pd.DataFrame
    filters: Filters


@dataclass(frozen=True)
class SlideSpec:
    """A slide as data: its title, the query behind it (and values beyond the filters), how it is drawn
    and which number it leads with. `draw` returns the figure and any subtitle lines; a text slide has
    `text` (lines) or `notes` ((heading, text) pairs) instead."""

    name: str
    title_key: str
    query: str | None = None
    values: Mapping[str, Any] = field(default_factory=dict)
    key: Callable[[Context, pd.DataFrame], tuple[str, int]] | None = None
    draw: Callable[[Context, pd.DataFrame], tuple[go.Figure, tuple[str, ...]]] | None = None
    text: Callable[[Context], tuple[str, ...]] | None = None
    notes: Callable[[Context], tuple[tuple[str, str], ...]] | None = None


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


def filter_summary(ctx: Context, filters: Filters | None = None) -> str:
    """The filters (those of `ctx` unless given) in words, in the chosen language ("All visits" when none)."""
    f, lang = filters or ctx.filters, ctx.lang
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
        t("present_filter_part", lang, name=t(f"filter_{d[5:]}", lang), values=formatting.date_text(day, lang))
        for d, day in (("date_from", f.date_from), ("date_to", f.date_to))
        if day
    ]
    for field_name in ("cities", "kinds", "departments", "categories"):
        chosen = getattr(f, field_name)
        if chosen:
            shown = ", ".join(names[field_name].get(v, v) for v in chosen)
            parts.append(t("present_filter_part", lang, name=t(f"filter_{field_name}", lang), values=shown))
    return " · ".join(parts) or t("present_all_visits", lang)


def _title_lines(ctx: Context) -> tuple[str, ...]:
    """Under the title: what the deck is about, what it covers, how fresh the data is, when it was made."""
    lines = [
        t("app_tagline", ctx.lang),
        ctx.filter_line(),
        t("present_data_date", ctx.lang, date=_last_visit(ctx)),
        t("present_generated", ctx.lang, date=formatting.date_text(ctx.today, ctx.lang)),
    ]
    return (*lines, t("sample_notice", ctx.lang)) if ctx.is_sample else tuple(lines)


def _source_notes(ctx: Context) -> tuple[tuple[str, str], ...]:
    """The sources slide: what the data is, how it is counted, what each chart shows, and what is in view."""
    notes = [
        (t(f"present_note_{topic}", ctx.lang), t(f"present_source_{topic}", ctx.lang))
        for topic in ("data", "counts", "interest", "latest")
    ]
    notes += [
        (t("present_note_filters", ctx.lang), filter_summary(ctx)),
        (t("present_note_freshness", ctx.lang), t("present_data_date", ctx.lang, date=_last_visit(ctx))),
    ]
    sample = (t("present_note_sample", ctx.lang), t("sample_notice", ctx.lang))
    return (sample, *notes) if ctx.is_sample else tuple(notes)


def _last_visit(ctx: Context) -> str:
    return _day(ctx.query("date_span").iloc[0]["last_visit_date"], ctx.lang)


def _day(value: Any, lang: str) -> str:
    """A date in the language's own format, whether DuckDB handed back a date or a timestamp."""
    return formatting.date_text(pd.Timestamp(value).date(), lang) if pd.notna(value) else "—"


def counted(metric: str, value: int, lang: str) -> str:
    """A key number with its word in the right plural: "1 City", "3 Cities", "城市數目：3"."""
    return t("present_key", lang, value=f"{value:,}", label=unit(metric, value, lang))


def unit(metric: str, value: int, lang: str) -> str:
    """The word for `value` of a metric: "City" for 1, "Cities" otherwise (per the language's plural rules)."""
    return t(f"present_unit_{metric}_{formatting.plural_form(value, lang)}", lang)


# ----------------------------------------------------------------------------------------- chart slides


def _summary_key(metric: str) -> Callable[[Context, pd.DataFrame], tuple[str, int]]:
    return lambda ctx, _data: (metric, int(ctx.summary[metric]))


def _key_numbers(ctx: Context, _data: pd.DataFrame) -> tuple[go.Figure, tuple[str, ...]]:
    numbers = {unit(k, int(ctx.summary[k]), ctx.lang): int(ctx.summary[k]) for k in KEY_NUMBERS}
    return charts.indicators(numbers), ()


def key_numbers(ctx: Context) -> tuple[tuple[str, str], ...]:
    """The four key numbers as (value, label) text."""
    return tuple((f"{int(ctx.summary[k]):,}", unit(k, int(ctx.summary[k]), ctx.lang)) for k in KEY_NUMBERS)


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
    where = " · ".join(_day(v, ctx.lang) if i == 0 else str(v) for i, v in enumerate(fields) if pd.notna(v) and str(v))
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
    SlideSpec("sources", "present_sources", notes=_source_notes),
)
SequenceItem = SlideSpec | ChosenChart


def sequence(chosen: tuple[ChosenChart, ...] = ()) -> tuple[SequenceItem, ...]:
    """The slides in order: the default sequence, or the title, the chosen charts and the sources."""
    return (SEQUENCE[0], *chosen, SEQUENCE[-1]) if chosen else SEQUENCE


def build_slide(ctx: Context, item: SequenceItem) -> Slide:
    """One slide, drawn from the data in `ctx`; a chart slide with no visits in view says so instead."""
    if isinstance(item, ChosenChart):
        figure = charts.for_slide(item.figure)
        return Slide(item.key, item.title, figure, data=item.data, filters=ctx.filter_line(item.filters))
    title, filters = t(item.title_key, ctx.lang), ctx.filter_line()
    if item.text or item.notes:
        lines, notes = (item.text(ctx) if item.text else ()), (item.notes(ctx) if item.notes else ())
        return Slide(item.name, title, lines=lines, notes=notes, filters=filters)
    data = ctx.query(item.query, ctx.filters, **item.values)
    if not ctx.summary["visits"] or data.empty:
        return Slide(item.name, title, lines=(t("present_no_visits", ctx.lang),), data=data, filters=filters)
    figure, subtitle = item.draw(ctx, data)
    figure = charts.fit_slide_labels(figure)
    metric, value = item.key(ctx, data)
    numbers = key_numbers(ctx) if item.name == "key_numbers" else ()
    key = counted(metric, value, ctx.lang)
    return Slide(item.name, title, figure, key, subtitle, data=data, numbers=numbers, filters=filters)


@dataclass(frozen=True)
class Deck:
    """The built sequence, with what the pack needs to label it."""

    slides: list[Slide]
    lang: str
    is_sample: bool

    def footer(self, number: int) -> str:
        """The line at the foot of an exported slide: its filters, app, slide number and the sample warning."""
        slide = self.slides[number - 1]
        parts = [t("app_title", self.lang), t("present_counter", self.lang, number=number, total=len(self.slides))]
        parts = [slide.filters, *parts] if slide.filters else parts
        return " · ".join([*parts, t("present_sample_short", self.lang)] if self.is_sample else parts)


def build(
    query: Query,
    filters: Filters,
    lang: str,
    *,
    chosen: tuple[ChosenChart, ...] = (),
    source: Path | str | None = None,
    today: date | None = None,
) -> Deck:
    """The whole sequence (with the charts a presenter chose, if any) for these filters and this language."""
    ctx = context(query, filters, lang, source=source, today=today)
    return Deck([build_slide(ctx, item) for item in sequence(chosen)], lang, ctx.is_sample)
