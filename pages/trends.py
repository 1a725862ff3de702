"""Trends: visits and delegates per month or quarter, and the departments reached — first-time, returning,
cumulative."""

import streamlit as st

from innovisits import ui
from innovisits.report import charts, views

ui.page_header("trend_page")
filters = ui.filters()
lang = ui.lang()

if not ui.empty_state(views.summary(ui.query, filters)):
    granularity = st.segmented_control(
        ui.t("trend_granularity"),
        views.GRANULARITIES,
        format_func=lambda g: ui.t(f"trend_{g}"),
        key="trend_granularity",
        default="month",
        required=True,
    )
    trends = views.trends(ui.query, filters, granularity)["trends"]
    ui.chart(
        charts.over_time(
            trends,
            x="period",
            values=["visits", "delegates"],
            title=ui.t("trend_chart_activity", period=ui.t(f"trend_{granularity}").lower()),
            lang=lang,
            granularity=granularity,
        ),
        trends,
        key="trend_activity",
    )
    ui.chart(
        charts.reach_over_time(trends, x="period", title=ui.t("trend_chart_reach"), lang=lang, granularity=granularity),
        trends,
        key="trend_reach",
    )
    st.caption(ui.t("trend_reach_note"))
