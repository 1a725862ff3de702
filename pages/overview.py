"""Overview: the four key numbers, visits over time, top departments and categories, newest visits."""

import streamlit as st

from innovisits import ui
from innovisits.report import charts, views

ui.page_header("page_overview")
filters = ui.filters()
view = views.overview(ui.query, filters)
summary = view["summary"].iloc[0]

columns = st.columns(4)
for column, key in zip(columns, views.OVERVIEW_NUMBERS, strict=True):
    column.metric(ui.t(f"metric_{key}"), f"{int(summary[key]):,}", border=True)

if not ui.empty_state(summary):
    lang = ui.lang()
    by_month = view["visits_by_month"]
    ui.chart(
        charts.over_time(
            by_month, x="month", values=["visits", "delegates"], title=ui.t("chart_visits_over_time"), lang=lang
        ),
        by_month,
        key="overview_over_time",
    )
    left, right = st.columns(2)
    with left:
        ui.department_bars(
            view["delegates_by_department"], title_key="chart_top_departments", key="overview_departments", limit=10
        )
    with right:
        categories = view["visits_by_category"]
        ui.chart(
            charts.ranked_bars(
                categories,
                key="category_id",
                label=ui.name("category"),
                value="visits",
                title=ui.t("chart_top_categories"),
                lang=lang,
                selected=filters.categories,
            ),
            categories,
            key="overview_categories",
            filter_names=("categories",),
        )
    st.subheader(ui.t("newest_visits"))
    ui.table(view["visit_list"], key="overview_newest", hide=("host", "visit_type"))  # the explorer has them
