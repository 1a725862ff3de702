"""Departmental participation: who takes part, by department and kind, by city and over time."""

import streamlit as st

from innovisits import ui
from innovisits.report import charts, views

ui.page_header("page_participation")
filters = ui.filters()
lang = ui.lang()

if not ui.empty_state(views.summary(ui.query, filters)):
    view = views.participation(ui.query, filters)
    st.caption(ui.t("cross_filter_hint"))
    left, right = st.columns([3, 2])
    with left:
        ui.department_bars(
            view["delegates_by_department"], title_key="chart_delegates_by_department", key="participation_departments"
        )
    with right:
        kinds = view["delegates_by_kind"]
        ui.chart(
            charts.ranked_bars(
                kinds.assign(kind_name=kinds["kind"].map(lambda k: ui.t(f"kind_{k}"))),
                key="kind",
                label="kind_name",
                value="delegates",
                title=ui.t("chart_delegates_by_kind"),
                lang=lang,
                selected=filters.kinds,
            ),
            kinds,
            key="participation_kinds",
            filter_names=("kinds",),
        )
    by_city = view["delegates_by_department_city"]
    ui.chart(
        charts.heatmap(
            by_city,
            rows="department",
            columns="city",
            metric="delegates",
            title=ui.t("chart_delegates_by_department_city"),
            lang=lang,
            muted=charts.outside_selection(by_city, {"department": filters.departments, "city": filters.cities}),
            muted_note=ui.t("outside_selection"),
        ),
        by_city,
        key="participation_city",
        filter_names=("departments", "cities"),
    )
    by_month = view["delegates_by_kind_month"]
    ui.chart(
        charts.stacked_by(
            by_month, x="month", stack="kind", value="delegates", title=ui.t("chart_delegates_over_time"), lang=lang
        ),
        by_month,
        key="participation_over_time",
    )
