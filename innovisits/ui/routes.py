"""Every route in one place: the pages in the menu (and who sees them), presenter mode's single page, and the
sidebar around them. `dashboard.py` sets the page up and calls `run`."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from innovisits.data.store import Store
from innovisits.ui import auth, briefing, presenter, sidebar
from innovisits.ui.data import PAGES_WITHOUT_DATA, arriving, load, load_or_stop
from innovisits.ui.language import t

PAGES_DIR = Path(__file__).resolve().parents[2] / "pages"
HEADINGS_STYLE = Path(__file__).parent / "static" / "headings.css"  # a constant: st.html gets no data
ARRIVING_CHECK_S = 1.0  # how often a page served the previous data version checks whether the newer is ready
# (script in pages/, title key, icon): the dashboard, then the insights.
DASHBOARD = [
    ("overview", "page_overview", ":material/dashboard:"),
    ("participation", "page_participation", ":material/groups:"),
    ("interest", "page_interest", ":material/grid_on:"),
    ("explorer", "page_explorer", ":material/travel_explore:"),
    ("presenter", "present_page", ":material/slideshow:"),
]
INSIGHTS = [
    ("affinity", "insight_page_affinity", ":material/join_inner:"),
    ("follow_ups", "followup_page", ":material/conversion_path:"),
    ("map", "map_page", ":material/map:"),
    ("trends", "trend_page", ":material/trending_up:"),
    ("data_quality", "quality_page", ":material/fact_check:"),
]
SIGN_IN = ("sign_in", "page_sign_in", ":material/login:")
STAFF = [
    ("staff/upload", "page_upload", ":material/upload_file:"),
    ("staff/history", "page_history", ":material/history:"),
    ("staff/reference", "page_reference", ":material/menu_book:"),
]


def page(script: str, title: str, icon: str) -> st.Page:
    return st.Page(PAGES_DIR / f"{script}.py", title=t(title), icon=icon, default=script == "overview")


def require_staff() -> str:
    """The staff member signed in; anyone else is sent to sign in (the staff pages are not in their menu
    either)."""
    user = auth.staff_user()
    if user is None:
        st.switch_page(PAGES_DIR / f"{SIGN_IN[0]}.py")
    return user


def menu() -> list[st.Page]:
    """The pages a visitor can open: the dashboard and insights for everyone, sign-in, and the staff pages
    only for staff. One flat list: Streamlit draws a section heading inside the list (<ul><div>), which
    screen readers cannot follow (axe: list, listitem); see tests/browser/test_every_page.py."""
    entries = [*DASHBOARD, *INSIGHTS, SIGN_IN, *(STAFF if auth.staff_user() else [])]
    return [page(*entry) for entry in entries]


@st.fragment(run_every=ARRIVING_CHECK_S)
def _arriving_note() -> None:
    """The note that newer data is arriving, checked again every second alone (the page is not redrawn); once
    the newer data is ready, the whole page is drawn again with it, with nobody having to click."""
    if arriving():
        st.caption(t("data_arriving"))
    else:
        st.rerun(scope="app")


def run() -> None:
    """Presenter mode (the slides alone), or the menu with the language choice, filters and presenter
    entry in the sidebar; then the chosen page."""
    st.html(HEADINGS_STYLE)  # style only: Streamlit puts it in its event container, not among the page's elements
    if presenter.requested():
        sidebar.keep_choices()
        navigation = st.navigation([page("presenter", "present_open", ":material/slideshow:")], position="hidden")
        briefing.sync_url()
        navigation.run()
        return
    sidebar.language_selector()
    navigation = st.navigation(menu(), expanded=True)
    briefing.sync_url()  # the charts chosen for the briefing, kept in the URL like the filters
    if isinstance(load(), Store):
        if arriving():  # served from the previous version meanwhile
            with st.sidebar:
                _arriving_note()
        sidebar.sidebar_filters()
        presenter.sidebar()
    elif navigation.url_path not in PAGES_WITHOUT_DATA:  # those say what is wrong, or need no data
        load_or_stop()
    navigation.run()
