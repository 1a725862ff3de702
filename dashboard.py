"""InnoVisits entry point: language, global filters and navigation; each page is a script in pages/."""

from pathlib import Path

import streamlit as st

from innovisits import ui, ui_auth, ui_present

HERE = Path(__file__).parent
PAGES = [
    ("overview", "page_overview", ":material/dashboard:"),
    ("participation", "page_participation", ":material/groups:"),
    ("interest", "page_interest", ":material/grid_on:"),
    ("explorer", "page_explorer", ":material/travel_explore:"),
    ("presenter", "present_page", ":material/slideshow:"),
]

# A local icon: a Material icon here would be fetched from fonts.gstatic.com (no requests off the machine).
st.set_page_config(page_title="InnoVisits", page_icon=HERE / "innovisits" / "static" / "icon.png", layout="wide")
if ui_present.requested():
    ui_present.run(HERE / "pages" / "presenter.py")

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
ui_present.sidebar()
navigation.run()
