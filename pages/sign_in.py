"""Staff sign-in: sign in or out, or how to turn uploading on when no staff are configured."""

import streamlit as st

from innovisits import ui
from innovisits.ui import auth as ui_auth

ui.init_from_url()  # the language of the URL; a fresh server's first page runs through dashboard.py
st.title(ui.t("page_sign_in"))
ui_auth.sign_in_panel()
