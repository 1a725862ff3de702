"""Follow-up tracker: per technology category, from departments exposed on visits to adoption."""

import streamlit as st

from innovisits import ui
from innovisits.report import charts, insights, views

ui.page_header("followup_page")
filters = ui.filters()
lang = ui.lang()
st.caption(ui.t("followup_intro"))

view = views.follow_ups(ui.query, filters)
funnel, follow_ups = view["follow_up_funnel"], view["follow_up_list"]
if follow_ups.empty:
    st.info(ui.t("followup_none", template=insights.FOLLOW_UPS_TEMPLATE.name), icon=":material/info:")
if funnel.empty:
    ui.empty_state(views.summary(ui.query, filters))
else:
    names = dict(zip(funnel["category_id"], funnel[ui.name("category")], strict=True))
    ui.keep_choice("followup_category", names)
    category = st.selectbox(ui.t("followup_category"), list(names), format_func=names.get, key="followup_category")
    ui.chart(
        charts.funnel(
            funnel[funnel["category_id"] == category].iloc[0],
            stages=insights.FUNNEL_STAGES,
            title=ui.t("followup_chart_funnel", category=names[category]),
            lang=lang,
        ),
        funnel,
        key="followup_funnel",
        filter_names=("categories",),
    )
    st.subheader(ui.t("followup_list"))
    statuses = follow_ups["follow_up_status"].map(lambda s: ui.t(f"followup_status_{s}"))
    # Long names and notes in fixed widths, so every column fits beside the sidebar on a laptop (1366 px).
    widths = {"category": 210, "department": 230, "follow_up_note": 150}
    ui.table(follow_ups.assign(follow_up_status=statuses), key="followup_list", widths=widths)
st.caption(ui.t("followup_rules"))
st.download_button(
    insights.FOLLOW_UPS_TEMPLATE.name,
    insights.FOLLOW_UPS_TEMPLATE.read_bytes(),
    file_name=insights.FOLLOW_UPS_TEMPLATE.name,
    mime="text/csv",
    icon=":material/download:",
    key="followup_template",
)
