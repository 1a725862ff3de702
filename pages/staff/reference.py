"""Reference data: staff add or rename departments, cities and categories, and add aliases."""

import streamlit as st

from innovisits import ui
from innovisits.ui import reference as ui_reference
from innovisits.ui import routes
from innovisits.ui import upload as ui_upload

user = routes.require_staff()
st.title(ui.t("page_reference"))
ui_upload.done_message()
st.write(ui.t("reference_intro"))
ui_reference.editor(user)
