"""Data quality: freshness, where each row came from, and the rows that break the data model's rules."""

import pandas as pd
import streamlit as st

from innovisits import ui
from innovisits.i18n import formatting
from innovisits.report import quality, views

ui.page_header("quality_page")
st.caption(ui.t("quality_intro"))
store = ui.load_or_stop()

newest_visit = views.date_span(ui.query)["last_visit_date"]
newest, changed = st.columns(2)
lang = ui.lang()
newest_text = formatting.date_text(newest_visit, lang) if pd.notna(newest_visit) else "—"
newest.metric(ui.t("quality_newest_visit"), newest_text, border=True)
last_upload = quality.last_upload(store)
# The time in the label: date and time together do not fit a phone's width in Chinese ("2026年11月30日 1…").
if last_upload:
    changed.metric(
        ui.t("quality_last_upload_at", time=f"{last_upload:%H:%M}"),
        formatting.date_text(last_upload, lang),
        border=True,
    )
else:
    changed.metric(ui.t("quality_last_upload"), "—", border=True)

labels = {
    "table_name": ui.t("quality_col_table"),
    "source_file": ui.t("quality_col_file"),
    "n_rows": ui.t("quality_col_rows"),
    "size_bytes": ui.t("quality_col_bytes"),
    "modified_at": st.column_config.DatetimeColumn(
        ui.t("quality_col_modified"), format=f"{formatting.table_format(lang)} HH:mm:ss"
    ),
}
st.subheader(ui.t("quality_tables"))
st.dataframe(
    [{"table_name": table, "n_rows": rows} for table, rows in store.row_counts().items()],
    column_config=labels,
    hide_index=True,
)
st.subheader(ui.t("quality_files"))
files = ui.derived("quality_files", quality.file_rows)
if files:
    st.dataframe(files, column_config=labels, hide_index=True)
else:
    st.info(ui.t("quality_no_files"), icon=":material/folder_off:")

st.subheader(ui.t("quality_checks"))
for finding in ui.derived("quality_findings", quality.findings):
    check = ui.t(f"quality_check_{finding.check}")
    found = bool(finding.n_found)
    with st.expander(
        ui.t("quality_found", check=check, count=f"{finding.n_found:,}") if found else ui.t("quality_ok", check=check),
        icon=":material/warning:" if found else ":material/check_circle:",
    ):
        if found:
            if len(finding.rows) < finding.n_found:
                st.caption(ui.t("quality_shown", shown=len(finding.rows), count=f"{finding.n_found:,}"))
            st.dataframe(finding.rows, hide_index=True)
        else:
            st.caption(ui.t("quality_none"))
