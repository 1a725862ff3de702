"""InnoVisits entry point: language, global filters and navigation; each page is a script in pages/."""

from pathlib import Path

import streamlit as st

from innovisits import ui, ui_auth

HERE = Path(__file__).parent
PAGES = [
    ("overview", "page_overview", ":material/dashboard:"),
    ("participation", "page_participation", ":material/groups:"),
    ("interest", "page_interest", ":material/grid_on:"),
    ("explorer", "page_explorer", ":material/travel_explore:"),
]

st.set_page_config(page_title="InnoVisits", page_icon=":material/hub:", layout="wide")

ui.language_selector()
navigation = st.navigation(
    {
        ui.t("section_analytics"): [
            st.Page(HERE / "pages" / f"{name}.py", title=ui.t(title), icon=icon, default=name == "overview")
            for name, title, icon in PAGES
        ],
        ui.t("section_staff"): ui_auth.staff_pages(),
    }
)
ui.sidebar_filters(ui.load_or_stop())
navigation.run()
