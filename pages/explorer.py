"""Visit explorer: search the visits in view and open one: its delegation and the categories it saw."""

import streamlit as st

from innovisits import i18n, ui
from innovisits.i18n import formatting
from innovisits.report import charts, views

ui.page_header("page_explorer")
filters = ui.filters()
lang = ui.lang()

search = st.text_input(ui.t("explorer_search"), key="explorer_search", placeholder=ui.t("explorer_search_hint"))
visits = views.explorer(ui.query, filters, search.strip())["visit_list"]
if visits.empty:
    st.info(ui.t("explorer_none"), icon=":material/search_off:")
else:
    shown = formatting.count_text(len(visits), "visit", lang)
    st.caption(ui.t("explorer_count", shown=shown, limit=formatting.number_text(views.EXPLORER_LIMIT, lang)))
    ui.table(visits, key="explorer_visits", hide=("visit_type", "notes"))  # the opened visit shows them
    ui.keep_choice("explorer_visit", visits["visit_id"])
    visit_id = st.selectbox(
        ui.t("explorer_open"),
        visits["visit_id"],
        format_func=lambda v: ui.visit_caption(visits.set_index("visit_id").loc[v]),
        key="explorer_visit",
    )
    visit = views.visit(ui.query, visit_id)
    record = visit["visit"].iloc[0]
    st.subheader(ui.plain(i18n.own_text(record, "title", lang) or record["visit_id"]))
    st.dataframe(ui.record_table(record), hide_index=True)
    left, right = st.columns(2)
    with left:
        delegation = visit["visit_delegation"]
        ui.chart(
            charts.ranked_bars(
                delegation,
                key="department",
                label=ui.name("department"),
                value="delegates",
                title=ui.t("chart_visit_delegation"),
                lang=lang,
            ),
            delegation,
            key="explorer_delegation",
        )
    with right:
        st.markdown(f"**{ui.t('explorer_categories')}**")
        ui.table(visit["visit_categories"], key="explorer_categories")
