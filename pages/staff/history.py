"""Upload history: every batch from the audit log; staff can withdraw one."""

import streamlit as st

from innovisits import ui
from innovisits.ui import routes
from innovisits.ui import upload as ui_upload

user = routes.require_staff()
st.title(ui.t("page_history"))
ui_upload.done_message()
if not ui_upload.uploads_on():
    st.stop()
st.write(ui.t("history_intro"))
ui_upload.history(user)
