"""The sidebar's language choice and global filters: widgets whose values live in the URL, so a copied link
restores the view."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from innovisits import i18n
from innovisits.data.filters import QUERY_KEYS, Filters
from innovisits.i18n import formatting
from innovisits.report import views
from innovisits.ui.data import query
from innovisits.ui.language import LANG_KEY, keep_choice, lang, t

# Widget key of each filter field; the URL keys are in filters.QUERY_KEYS.
WIDGET_KEYS = {name: f"filter_{name}" for name in QUERY_KEYS}


def _through_entry_point() -> None:
    """Make sure this run went through dashboard.py. Because a `pages/` folder sits beside dashboard.py, a fresh
    Streamlit server starts in its old folder-based multipage mode: until the first `st.navigation` call, a
    request for /participation runs pages/participation.py alone, without the language selector and the
    sidebar filters. Leaving that mode (what `st.navigation` itself does) and rerunning the same page sends
    this first run through the entry point too. Checked in a real browser by
    tests/browser/test_pages.py::test_deep_link_to_a_fresh_server_shows_the_filters."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


# The query string as this session last wrote it (filters and language); a URL that differs on a rerun was
# changed by the browser (Back / Forward), not by a widget.
_SYNCED_KEY = "_url_synced"


def _url_state() -> tuple[str, dict[str, list[str]]]:
    """This run's page and its query string's filters and language."""
    ctx = get_script_run_ctx()
    page = ctx.page_script_hash if ctx else ""
    return page, {key: st.query_params.get_all(key) for key in [*QUERY_KEYS.values(), "lang"] if key in st.query_params}


def init_from_url() -> None:
    """The URL decides the filters and language on a session's first run (a copied URL restores a view) and
    whenever the browser changed it on the same page since this session wrote it: each filter change writes the
    URL, which Streamlit records as a new history entry, so Back reruns with the previous filters and they are
    restored. Going to another page (whose link carries no query string) keeps the filters."""
    _through_entry_point()
    page, url = _url_state()
    synced_page, synced_url = st.session_state.get(_SYNCED_KEY, (page, url))
    if st.session_state.get("_url_loaded") and (synced_page != page or synced_url == url):
        return
    st.session_state["_url_loaded"] = True
    st.session_state[_SYNCED_KEY] = _url_state()
    st.session_state[LANG_KEY] = i18n.language(st.query_params.get("lang"))
    url = Filters.from_query({k: st.query_params.get_all(k) for k in st.query_params})
    for name, key in WIDGET_KEYS.items():
        value = getattr(url, name)
        st.session_state[key] = list(value) if isinstance(value, tuple) else value


def filters() -> Filters:
    """The current global filters (from the sidebar widgets, or the URL before they exist)."""
    init_from_url()
    return Filters().with_values(**{name: st.session_state.get(key) for name, key in WIDGET_KEYS.items()})


def _sync_url(current: Filters) -> None:
    """Write the filters and language into the query string, leaving other keys (page state) alone."""
    wanted = {**current.to_query(), "lang": lang()}
    if wanted["lang"] == i18n.DEFAULT_LANGUAGE:
        del wanted["lang"]
    for key in [*QUERY_KEYS.values(), "lang"]:
        if key in wanted:
            if st.query_params.get_all(key) != ([wanted[key]] if isinstance(wanted[key], str) else wanted[key]):
                st.query_params[key] = wanted[key]
        elif key in st.query_params:
            del st.query_params[key]
    st.session_state[_SYNCED_KEY] = _url_state()


def _keep_dates_within(min_value: date, max_value: date) -> None:
    """A date from a shared link that the date filters cannot show: given to the widget, Streamlit would stop
    the page (ValueBelowMin/ValueAboveMax). A start before the first visit (or an end after the last day the
    picker offers) means the same view as the bound itself, so it becomes the bound; any other (an end before
    the first visit, a start in 9999) is left out with a notice in the sidebar (a toast has no accessible name)."""
    for name in ("date_from", "date_to"):
        value = st.session_state.get(WIDGET_KEYS[name])
        if value is None or min_value <= value <= max_value:
            continue
        same_view = value < min_value if name == "date_from" else value > max_value
        st.session_state[WIDGET_KEYS[name]] = (min_value if name == "date_from" else max_value) if same_view else None
        if not same_view:
            label = t(f"filter_{name.removeprefix('date_')}")
            shown = {"value": value.isoformat(), "first": min_value.isoformat(), "last": max_value.isoformat()}
            st.sidebar.warning(t("filter_date_dropped", label=label, **shown), icon=":material/event_busy:")


def keep_choices() -> None:
    """On a run that draws no sidebar (presenter mode), keep the language and filters chosen in it: Streamlit
    forgets a widget's value after a run that does not draw it, unless the value is set again."""
    for key in [LANG_KEY, *WIDGET_KEYS.values()]:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]


def clear_filters() -> None:
    for name, key in WIDGET_KEYS.items():
        st.session_state[key] = None if name.startswith("date_") else []


def remove_filter(name: str, value: str | None) -> None:
    """Drop one value of a list filter, or a date bound (`value` None): a filter chip's "×"."""
    key = WIDGET_KEYS[name]
    st.session_state[key] = None if value is None else [v for v in st.session_state.get(key) or [] if v != value]


def set_filter(name: str, values: list[str]) -> None:
    """Cross-filter: replace one list filter (called from chart callbacks, before widgets exist)."""
    st.session_state[WIDGET_KEYS[name]] = sorted(set(values))


def language_selector() -> None:
    init_from_url()
    st.sidebar.segmented_control(
        i18n.t("language", lang()),
        options=list(i18n.LANGUAGES),
        format_func=i18n.LANGUAGES.get,
        key=LANG_KEY,
        required=True,
    )


def sidebar_filters() -> Filters:
    """The global filters in the sidebar; every page reads them through `filters()`."""
    init_from_url()
    choices = views.sidebar(query)
    options = {
        "cities": {r["city"]: r for r in choices["filter_cities"].to_dict("records")},
        "departments": {r["department_id"]: r for r in choices["filter_departments"].to_dict("records")},
        "categories": {r["category_id"]: r for r in choices["filter_categories"].to_dict("records")},
    }
    kinds = sorted({r["kind"] for r in options["departments"].values()})
    for name, known in {**options, "kinds": kinds}.items():  # a value in the URL the data no longer holds is dropped
        keep_choice(WIDGET_KEYS[name], known)
    zh = lang() == "zh"
    bar = st.sidebar
    bar.header(t("filters"))
    span = choices["date_span"].iloc[0]
    first = span["first_visit_date"]
    bounds = {"min_value": first.date() if pd.notna(first) else date(2000, 1, 1), "max_value": date(2100, 12, 31)}
    _keep_dates_within(**bounds)
    # One above the other: side by side, the sidebar is too narrow to show a whole date.
    bar.date_input(t("filter_from"), key=WIDGET_KEYS["date_from"], format=formatting.PICKER_DATE[lang()], **bounds)
    bar.date_input(t("filter_to"), key=WIDGET_KEYS["date_to"], format=formatting.PICKER_DATE[lang()], **bounds)
    bar.multiselect(
        t("filter_cities"),
        options["cities"],
        format_func=lambda c: options["cities"][c]["name_zh"] if zh else c,
        key=WIDGET_KEYS["cities"],
        placeholder=t("filter_any"),
    )
    bar.multiselect(
        t("filter_kinds"),
        kinds,
        format_func=lambda k: t(f"kind_{k}"),
        key=WIDGET_KEYS["kinds"],
        placeholder=t("filter_any"),
    )
    bar.multiselect(
        t("filter_departments"),
        options["departments"],
        format_func=lambda d: f"{d} · {options['departments'][d]['name_zh' if zh else 'name_en']}",
        key=WIDGET_KEYS["departments"],
        placeholder=t("filter_any"),
    )
    bar.multiselect(
        t("filter_categories"),
        options["categories"],
        format_func=lambda c: options["categories"][c]["name_zh" if zh else "name_en"],
        key=WIDGET_KEYS["categories"],
        placeholder=t("filter_any"),
    )
    current = filters()
    bar.button(t("filter_clear"), on_click=clear_filters, disabled=current.is_empty(), icon=":material/filter_alt_off:")
    _sync_url(current)
    return current
