"""The queries behind each page, declared once: the page script draws what its function here returns, and
the benchmark replays the same function (`view`), so a chart added to a page is measured with no edit to the
bench. Choices a person makes on the page (a city, a visit, a granularity) are arguments, with the page's
defaults here."""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any

import pandas as pd

from innovisits.data.filters import Filters
from innovisits.data.store import KEY_NUMBERS
from innovisits.report import insights

# query(name, filters, **values) -> DataFrame: `ui.query` on a page, a store or bare DuckDB in the bench.
Query = Callable[..., pd.DataFrame]
# The bench's runner: (name, filters, values) -> DataFrame.
Runner = Callable[[str, Filters, dict[str, Any]], pd.DataFrame]
Frames = dict[str, pd.DataFrame]
# One query of a view: (name, filters, values).
Request = tuple[str, Filters | None, dict[str, Any]]

# A view's queries run side by side, each on its own DuckDB cursor: one of 30-60 ms keeps about one core busy,
# so on two cores the Overview's five take the time of about three (filter change p95 at 10^7, under load:
# 0.27 -> 0.18 s). Each runs in a copy of the caller's context (`contextvars`, as `asyncio.to_thread` does),
# which is how `ui.query` finds its session's store in these threads.
_POOL = ThreadPoolExecutor(max_workers=5, thread_name_prefix="innovisits-view")
_SIDE_BY_SIDE = contextvars.ContextVar("side_by_side", default=True)


@contextmanager
def one_at_a_time() -> Iterator[None]:
    """Views run their queries one after the other meanwhile (the bench's per-query seconds)."""
    token = _SIDE_BY_SIDE.set(False)
    try:
        yield
    finally:
        _SIDE_BY_SIDE.reset(token)


def together(query: Query, requests: Mapping[str, Request]) -> Frames:
    """The requested queries' results by key, run side by side."""
    if not _SIDE_BY_SIDE.get() or len(requests) < 2:
        return {key: query(name, filters, **values) for key, (name, filters, values) in requests.items()}
    futures = {
        key: _POOL.submit(contextvars.copy_context().run, query, name, filters, **values)
        for key, (name, filters, values) in requests.items()
    }
    return {key: future.result() for key, future in futures.items()}


EXPLORER_LIMIT = 500  # visits listed at once in the explorer; search narrows further
NEWEST_VISITS = 5  # the Overview's newest visits
GRANULARITIES = ("month", "quarter")
OVERVIEW_NUMBERS = KEY_NUMBERS  # the Overview's metrics, in order


def keeping_context(filters: Filters, *fields: str) -> Filters:
    """The filters for a chart that cross-filters by `fields`: without its own fields, so a click on one bar
    highlights it among the others instead of collapsing the chart to that bar."""
    return filters.with_values(**dict.fromkeys(fields, ()))


def sidebar(query: Query) -> Frames:
    """The sidebar filters' choices and the date bounds (every page)."""
    names = ("filter_cities", "filter_departments", "filter_categories", "date_span")
    return together(query, {name: (name, None, {}) for name in names})


def summary(query: Query, filters: Filters) -> pd.Series:
    """The key numbers in view; a page with no visits in view says why instead of drawing."""
    return query("summary", filters).iloc[0]


def overview(query: Query, filters: Filters) -> Frames:
    """The key numbers and, beside them (in case there are visits in view), the charts' and the list's data."""
    return together(
        query,
        {
            "summary": ("summary", filters, {}),
            "visits_by_month": ("visits_by_month", filters, {}),
            "delegates_by_department": ("delegates_by_department", keeping_context(filters, "departments"), {}),
            "visits_by_category": ("visits_by_category", keeping_context(filters, "categories"), {}),
            "visit_list": ("visit_list", filters, {"search": None, "limit": NEWEST_VISITS}),
        },
    )


def participation(query: Query, filters: Filters) -> Frames:
    own = {
        "delegates_by_department": ("departments",),
        "delegates_by_kind": ("kinds",),
        "delegates_by_department_city": ("departments", "cities"),
        "delegates_by_kind_month": (),
    }
    return together(query, {name: (name, keeping_context(filters, *fields), {}) for name, fields in own.items()})


def visited_cities(query: Query) -> pd.DataFrame:
    """The cities with visits, most visited first: the interest page's city choices (the first by default)."""
    cities = query("filter_cities")
    return cities[cities["visits"] > 0]


def interest(query: Query, filters: Filters) -> Frames:
    return {
        "interest_by_city_category": query(
            "interest_by_city_category", keeping_context(filters, "categories", "cities")
        )
    }


def interest_city(query: Query, filters: Filters, city: str) -> Frames:
    """One city's categories ranked."""
    in_city = keeping_context(filters, "categories").with_values(cities=[city])
    return {"visits_by_category_city": query("visits_by_category", in_city)}


def explorer(query: Query, filters: Filters, search: str | None) -> Frames:
    """The visits in view matching `search` (at most `EXPLORER_LIMIT`)."""
    return {"visit_list": query("visit_list", filters, search=search or None, limit=EXPLORER_LIMIT)}


def visit(query: Query, visit_id: str) -> Frames:
    """One visit: its record, its delegation and the categories it saw (whatever the filters)."""
    names = ("visit", "visit_delegation", "visit_categories")
    return together(query, {name: (name, None, {"visit_id": visit_id}) for name in names})


def trends(query: Query, filters: Filters, granularity: str = GRANULARITIES[0]) -> Frames:
    return {"trends": query("trends", filters, granularity=granularity)}


def affinity(query: Query, filters: Filters, min_support: int = insights.MIN_SUPPORT) -> Frames:
    """Lift compares a department with everyone in view, so this view keeps every filter (a clicked cell
    narrows the population the lifts are measured against)."""
    return {"affinity": query("affinity", filters, min_support=min_support, min_lift=insights.MIN_LIFT)}


def follow_ups(query: Query, filters: Filters) -> Frames:
    """The funnel and the list (with no funnel, the page shows the summary's empty state)."""
    return together(query, {name: (name, filters, {}) for name in ("follow_up_funnel", "follow_up_list")})


def city_map(query: Query, filters: Filters) -> Frames:
    return together(
        query,
        {
            "visits_by_city": ("visits_by_city", keeping_context(filters, "cities"), {}),
            "map_outline": ("map_outline", None, {"path": str(insights.OUTLINE_FILE)}),
        },
    )


def date_span(query: Query) -> pd.Series:
    """The first and last visit dates in the data (Data quality's freshness)."""
    return query("date_span").iloc[0]


def _with_summary(content: Callable[[Query, Filters], Frames]) -> Callable[[Query, Filters], Frames]:
    """A page that checks the summary first and draws its content only when visits are in view."""

    def on_arrival(query: Query, filters: Filters) -> Frames:
        numbers = query("summary", filters)
        return {"summary": numbers, **(content(query, filters) if numbers["visits"].iloc[0] else {})}

    return on_arrival


def _interest(query: Query, filters: Filters) -> Frames:
    cities = visited_cities(query)["city"]
    return {**interest(query, filters), **(interest_city(query, filters, cities.iloc[0]) if len(cities) else {})}


def _explorer(query: Query, filters: Filters) -> Frames:
    out = explorer(query, filters, None)
    if len(out["visit_list"]):
        out.update(visit(query, out["visit_list"]["visit_id"].iloc[0]))
    return out


def _follow_ups(query: Query, filters: Filters) -> Frames:
    out = follow_ups(query, filters)
    return out if len(out["follow_up_funnel"]) else {**out, "summary": query("summary", filters)}


# What each page shows on arrival: its view with the page's default choices.
ON_ARRIVAL: dict[str, Callable[[Query, Filters], Frames]] = {
    "overview": overview,  # the summary is one of its queries
    "participation": _with_summary(participation),
    "interest": _with_summary(_interest),
    "explorer": _explorer,
    "trends": _with_summary(trends),
    "affinity": _with_summary(affinity),
    "follow_ups": _follow_ups,
    "map": _with_summary(city_map),
}
PAGES = tuple(ON_ARRIVAL)


def view(run: Runner, page: str, filters: Filters) -> Frames:
    """Every query the sidebar and `pages/<page>.py` run on arrival, keyed by name (the bench's unit)."""

    def query(name: str, f: Filters | None = None, **values: Any) -> pd.DataFrame:
        return run(name, f or Filters(), values)

    return {**sidebar(query), **ON_ARRIVAL[page](query, filters)}
