"""Department × technology affinity: which departments are unusually exposed to which categories."""

import streamlit as st

from innovisits import ui
from innovisits.report import charts, insights, views

METRICS = {"lift": ".1f", "exposure_share": ".0%", "delegates_exposed": "", "mean_interest_score": ".1f"}

ui.page_header("insight_page_affinity")
filters = ui.filters()
lang = ui.lang()

if not ui.empty_state(views.summary(ui.query, filters)):
    st.caption(ui.t("insight_intro"))
    support = st.slider(ui.t("insight_min_support"), 1, 20, insights.MIN_SUPPORT, key="insight_min_support")
    affinity = views.affinity(ui.query, filters, support)["affinity"]
    st.subheader(ui.t("insight_highlights"))
    sentences = insights.affinity_highlights(affinity, lang)
    if sentences:
        st.markdown("\n".join(f"- {ui.plain(sentence)}" for sentence in sentences))
    else:
        st.info(ui.t("insight_no_highlights", support=support, lift=insights.MIN_LIFT), icon=":material/info:")
    metric = st.segmented_control(
        ui.t("insight_metric"),
        list(METRICS),
        format_func=lambda m: ui.t(f"col_{m}"),
        key="insight_metric",
        default="lift",
        required=True,
    )
    st.caption(ui.t("cross_filter_hint"))
    ui.chart(
        charts.heatmap(
            affinity,
            rows="department",
            columns="category",
            metric=metric,
            title=ui.t("insight_chart_affinity"),
            lang=lang,
            number_format=METRICS[metric],
            muted=affinity["delegates_exposed"] < support,
            muted_note=ui.t("below_threshold"),
        ),
        affinity,
        key="insight_heatmap",
        filter_names=("departments", "categories"),
    )
