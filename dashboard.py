"""InnoVisits entry point: language, global filters and navigation; each page is a script in pages/."""

from pathlib import Path

import streamlit as st

from innovisits import ui

HERE = Path(__file__).parent
PAGES = [
    ("overview", "page_overview", ":material/dashboard:"),
    ("participation", "page_participation", ":material/groups:"),
    ("interest", "page_interest", ":material/grid_on:"),
    ("explorer", "page_explorer", ":material/travel_explore:"),
]

# A local icon: a `:material/…:` page icon makes the browser fetch the favicon from a font CDN.
st.set_page_config(page_title="InnoVisits", page_icon=str(HERE / "innovisits" / "assets" / "icon.svg"), layout="wide")

ui.language_selector()
# One flat list: Streamlit draws a section heading inside the list (<ul><div>), which screen readers
# cannot follow (axe: list, listitem); see tests/browser/test_accessibility.py.
navigation = st.navigation(
    [
        st.Page(HERE / "pages" / f"{name}.py", title=ui.t(title), icon=icon, default=name == "overview")
        for name, title, icon in PAGES
    ]
)
ui.sidebar_filters(ui.load_or_stop())
navigation.run()
