"""Map of the Greater Bay Area: visits and delegates per city, on a bundled outline (works offline)."""

import streamlit as st

from innovisits import ui
from innovisits.report import charts, views

METRICS = ("delegates", "visits")

ui.page_header("map_page")
filters = ui.filters()
lang = ui.lang()

if not ui.empty_state(views.summary(ui.query, filters)):
    metric = st.segmented_control(
        ui.t("map_metric"),
        METRICS,
        format_func=lambda m: ui.t(f"col_{m}"),
        key="map_metric",
        default="delegates",
        required=True,
    )
    view = views.city_map(ui.query, filters)
    cities, outline = view["visits_by_city"], view["map_outline"]
    st.caption(ui.t("cross_filter_hint"))
    ui.chart(
        charts.city_map(cities, outline, value=metric, title=ui.t("map_chart"), lang=lang, selected=filters.cities),
        cities,
        key="map_cities",
        filter_names=("cities",),
    )
    unplaced = cities[cities["lat"].isna() | cities["lon"].isna()]
    if not unplaced.empty:
        st.warning(ui.t("map_unplaced", cities=ui.plain(", ".join(unplaced["city"]))), icon=":material/wrong_location:")
    st.caption(ui.t("map_credit"))
