"""InnoVisits entry point: language, global filters and navigation; each page is a script in pages/."""

from pathlib import Path

import streamlit as st

from innovisits import ui
from innovisits.ui import auth as ui_auth
from innovisits.ui import presenter as ui_present

HERE = Path(__file__).parent
PAGES = [
    ("overview", "page_overview", ":material/dashboard:"),
    ("participation", "page_participation", ":material/groups:"),
    ("interest", "page_interest", ":material/grid_on:"),
    ("explorer", "page_explorer", ":material/travel_explore:"),
    ("presenter", "present_page", ":material/slideshow:"),
]
INSIGHT_PAGES = [
    ("affinity", "insight_page_affinity", ":material/join_inner:"),
    ("follow_ups", "followup_page", ":material/conversion_path:"),
    ("map", "map_page", ":material/map:"),
    ("trends", "trend_page", ":material/trending_up:"),
    ("data_quality", "quality_page", ":material/fact_check:"),
]


def section(entries: list[tuple[str, str, str]]) -> list[st.Page]:
    return [
        st.Page(HERE / "pages" / f"{name}.py", title=ui.t(title), icon=icon, default=name == "overview")
        for name, title, icon in entries
    ]


# A local icon: a Material icon here would be fetched from fonts.gstatic.com (no requests off the machine).
st.set_page_config(page_title="InnoVisits", page_icon=HERE / "innovisits" / "ui" / "static" / "icon.png", layout="wide")
if ui_present.requested():
    ui_present.run(HERE / "pages" / "presenter.py")

ui.language_selector()
# One flat list: Streamlit draws a section heading inside the list (<ul><div>), which screen readers
# cannot follow (axe: list, listitem); see tests/browser/test_every_page.py.
navigation = st.navigation(section(PAGES) + section(INSIGHT_PAGES) + ui_auth.staff_pages(), expanded=True)
loaded = ui.load()
if not isinstance(loaded, Exception):
    ui.sidebar_filters(loaded)
    ui_present.sidebar()
elif navigation.url_path not in ui.PAGES_WITHOUT_DATA:  # those say what is wrong, or need no data
    ui.load_or_stop()
navigation.run()
