"""Staff sign-in: sign in or out, or how to turn uploading on when no staff are configured."""

import streamlit as st

from innovisits import ui
from innovisits.ui import auth as ui_auth

st.title(ui.t("page_sign_in"))
ui_auth.sign_in_panel()
