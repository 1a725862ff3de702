"""Upload: staff add visit records from CSV files; check, preview, then store on confirmation."""

import streamlit as st

from innovisits import ui
from innovisits.ui import reference as ui_reference
from innovisits.ui import routes
from innovisits.ui import upload as ui_upload

user = routes.require_staff()
st.title(ui.t("page_upload"))
ui_upload.done_message()
if not ui_upload.uploads_on():
    st.stop()
st.write(ui.t("upload_intro"))
ui_upload.template_downloads()
uploads = ui_upload.uploaded_files()
if uploads:
    plan = ui_upload.check(uploads)
    if not plan.ok:
        ui_upload.problems(plan)
        ui_reference.unknown_names(plan.problems, user)
    else:
        ui_upload.preview(plan)
        if not plan.adds_nothing:
            ui_upload.confirm(plan, user)
