"""Technology interest by city: a city × category heatmap of a chosen metric, and a ranking per city."""

import streamlit as st

from innovisits import ui
from innovisits.report import charts, views

METRICS = ("visits", "delegates_exposed", "mean_interest_score")

ui.page_header("page_interest")
filters = ui.filters()
lang = ui.lang()

if not ui.empty_state(views.summary(ui.query, filters)):
    metric = st.segmented_control(
        ui.t("interest_metric"),
        METRICS,
        format_func=lambda m: ui.t(f"col_{m}"),
        key="interest_metric",
        default="visits",
        required=True,
    )
    st.caption(ui.t("cross_filter_hint"))
    matrix = views.interest(ui.query, filters)["interest_by_city_category"]
    ui.chart(
        charts.heatmap(
            matrix,
            rows="category",
            columns="city",
            metric=metric,
            title=ui.t("chart_interest_heatmap"),
            lang=lang,
            muted=charts.outside_selection(matrix, {"category_id": filters.categories, "city": filters.cities}),
            muted_note=ui.t("outside_selection"),
        ),
        matrix,
        key="interest_heatmap",
        filter_names=("categories", "cities"),
    )
    city_names = ui.city_names(views.visited_cities(ui.query))
    ui.keep_choice("interest_city", city_names)
    city = st.selectbox(ui.t("interest_city"), list(city_names), format_func=city_names.get, key="interest_city")
    ranked = views.interest_city(ui.query, filters, city)["visits_by_category_city"]
    ui.chart(
        charts.ranked_bars(
            ranked,
            key="category_id",
            label=ui.name("category"),
            value=metric,
            title=ui.t("chart_interest_ranked", city=city_names[city]),
            lang=lang,
            selected=filters.categories,
        ),
        ranked,
        key="interest_ranked",
        filter_names=("categories",),
    )
