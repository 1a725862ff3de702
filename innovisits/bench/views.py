"""The queries each page runs for one view, in the order the page runs them, written once so the query layer
and the raw DuckDB baseline run exactly the same list (checked against dashboard.py and pages/*.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from innovisits.data.filters import Filters
from innovisits.report import insights

# A runner answers one named query: (name, filters, values) -> DataFrame.
Runner = Callable[[str, Filters, dict[str, Any]], pd.DataFrame]

PAGES = ("overview", "participation", "interest", "explorer", "trends", "affinity", "follow_ups", "map")
SIDEBAR = ("filter_cities", "filter_departments", "filter_categories", "date_span")
EXPLORER_LIMIT = 500  # ui.EXPLORER_LIMIT (not imported: the core never imports Streamlit)
NEWEST_VISITS = 5  # pages/overview.py's newest visits


def view(run: Runner, page: str, filters: Filters) -> dict[str, pd.DataFrame]:
    """Every query dashboard.py's sidebar and `pages/<page>.py` run for one view, keyed by name; choices that
    depend on the data (the interest page's city, the explorer's visit) are the pages' defaults."""
    out: dict[str, pd.DataFrame] = {}

    def q(name: str, f: Filters = filters, key: str | None = None, **values: Any) -> pd.DataFrame:
        out[key or name] = run(name, f, values)
        return out[key or name]

    for name in SIDEBAR:
        q(name, Filters())
    if page == "explorer":
        visits = q("visit_list", search=None, limit=EXPLORER_LIMIT)
        if len(visits):
            visit_id = visits["visit_id"].iloc[0]
            for name in ("visit", "visit_delegation", "visit_categories"):
                q(name, Filters(), visit_id=visit_id)
        return out
    if page == "follow_ups":  # the summary only when there is no funnel to draw
        funnel = q("follow_up_funnel")
        q("follow_up_list")
        if funnel.empty:
            q("summary")
        return out
    if not q("summary")["visits"].iloc[0]:
        return out
    if page == "overview":
        q("visits_by_month")
        q("delegates_by_department")
        q("visits_by_category")
        q("visit_list", search=None, limit=NEWEST_VISITS)
    elif page == "participation":
        for name in ("delegates_by_department", "delegates_by_kind", "delegates_by_department_city"):
            q(name)
        q("delegates_by_kind_month")
    elif page == "interest":
        q("interest_by_city_category")
        cities = q("filter_cities", Filters())  # ui.city_names(visited_only=True)
        visited = cities[cities["visits"] > 0]["city"]
        if len(visited):
            q("visits_by_category", filters.with_values(cities=[visited.iloc[0]]), key="visits_by_category_city")
    elif page == "trends":
        q("trends", granularity="month")
    elif page == "affinity":
        q("affinity", min_support=insights.MIN_SUPPORT, min_lift=insights.MIN_LIFT)
    elif page == "map":
        q("visits_by_city")
        q("map_outline", Filters(), path=str(insights.OUTLINE_FILE))
    return out
