"""Streamlit helpers shared by the pages: the cached store, the sidebar filters kept in the URL, the
language, and chart + table rendering with cross-filtering. Pages stay layout-only by calling these."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.runtime.pages_manager import PagesManager

from innovisits import i18n
from innovisits.data.config import ConfigError, data_location, is_sample, location
from innovisits.data.filters import QUERY_KEYS, Filters
from innovisits.data.store import DataError, Store, data_version
from innovisits.export import formats
from innovisits.i18n import formatting

# Widget key of each filter field; the URL keys are in filters.QUERY_KEYS.
WIDGET_KEYS = {name: f"filter_{name}" for name in QUERY_KEYS}
LANG_KEY = "lang"
EXPLORER_LIMIT = 500  # visits listed at once in the explorer; search narrows further
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


# ----------------------------------------------------------------------------------------------- data


@st.cache_resource(max_entries=1, show_spinner=False)
def _store(directory: str, version: tuple) -> Store:
    """One loaded store per data version; a new file in the data directory makes a new one."""
    return Store(location(directory))


def store() -> Store:
    directory = data_location()
    return _store(str(directory), data_version(directory))


@st.cache_data(max_entries=512, show_spinner=False)
def _query(directory: str, version: tuple, name: str, filters: Filters, values: tuple) -> pd.DataFrame:
    return _store(directory, version).execute(name, filters, **dict(values)).df()


def query(name: str, filters: Filters | None = None, **values: Any) -> pd.DataFrame:
    """A named query's result as a DataFrame, cached per data version, filters and values."""
    directory = data_location()
    return _query(str(directory), data_version(directory), name, filters or Filters(), tuple(sorted(values.items())))


@st.cache_data(max_entries=16, show_spinner=False)
def _derived(directory: str, version: tuple, name: str, _compute: Callable[[Store], Any]) -> Any:
    return _compute(_store(directory, version))


def derived(name: str, compute: Callable[[Store], Any]) -> Any:
    """`compute(store)` cached per data version under `name`: for results built from several queries."""
    directory = data_location()
    return _derived(str(directory), data_version(directory), name, compute)


# Pages that keep working when a data file cannot be read: they say which (data quality), or let staff
# sign in and withdraw the batch that brought it (history).
PAGES_WITHOUT_DATA = ("data_quality", "sign_in", "upload", "history")


def load() -> Store | DataError | ConfigError:
    """The store, or the error that says which data file (and column) cannot be read."""
    try:
        with st.spinner(t("loading")):
            return store()
    except (DataError, ConfigError) as error:
        return error


def load_or_stop() -> Store:
    """The store, or a clear message on the page (never a traceback) when a data file is unreadable: which
    file and column, without the server's paths or DuckDB's SQL (see `Store._explain`)."""
    found = load()
    if isinstance(found, Store):
        return found
    st.error(t("data_error", error=str(found)), icon=":material/error:")
    st.caption(t("data_error_help"))
    st.stop()


# ------------------------------------------------------------------------------------------- language


def lang() -> str:
    return i18n.language(st.session_state.get(LANG_KEY) or st.query_params.get("lang"))


def t(key: str, **values: object) -> str:
    return i18n.t(key, lang(), **values)


def name(base: str) -> str:
    """The column with `base`'s name in the current language (`department_zh`, `department_en`, `city`)."""
    return i18n.name_column(base, lang())


# -------------------------------------------------------------------------------------------- filters


def _through_entry_point() -> None:
    """Make sure this run went through dashboard.py. Because a `pages/` folder sits beside dashboard.py, a fresh
    Streamlit server starts in its old folder-based multipage mode: until the first `st.navigation` call, a
    request for /participation runs pages/participation.py alone, without the language selector and the
    sidebar filters. Leaving that mode (what `st.navigation` itself does) and rerunning the same page sends
    this first run through the entry point too. Checked in a real browser by tests/test_browser_pages.py."""
    if PagesManager.uses_pages_directory:
        PagesManager.uses_pages_directory = False
        st.rerun()


def _init_from_url() -> None:
    """On a session's first run, the URL decides the filters and language (a copied URL restores a view)."""
    _through_entry_point()
    if st.session_state.get("_url_loaded"):
        return
    st.session_state["_url_loaded"] = True
    st.session_state[LANG_KEY] = i18n.language(st.query_params.get("lang"))
    url = Filters.from_query({k: st.query_params.get_all(k) for k in st.query_params})
    for name, key in WIDGET_KEYS.items():
        value = getattr(url, name)
        st.session_state[key] = list(value) if isinstance(value, tuple) else value


def filters() -> Filters:
    """The current global filters (from the sidebar widgets, or the URL before they exist)."""
    _init_from_url()
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


def clear_filters() -> None:
    for name, key in WIDGET_KEYS.items():
        st.session_state[key] = None if name.startswith("date_") else []


def set_filter(name: str, values: list[str]) -> None:
    """Cross-filter: replace one list filter (called from chart callbacks, before widgets exist)."""
    st.session_state[WIDGET_KEYS[name]] = sorted(set(values))


def language_selector() -> None:
    _init_from_url()
    st.sidebar.segmented_control(
        i18n.t("language", lang()),
        options=list(i18n.LANGUAGES),
        format_func=i18n.LANGUAGES.get,
        key=LANG_KEY,
        required=True,
    )


def sidebar_filters(s: Store) -> Filters:
    """The global filters in the sidebar; every page reads them through `filters()`."""
    _init_from_url()
    options = {
        "cities": {r["city"]: r for r in s.records("filter_cities")},
        "departments": {r["department_id"]: r for r in s.records("filter_departments")},
        "categories": {r["category_id"]: r for r in s.records("filter_categories")},
    }
    kinds = sorted({r["kind"] for r in options["departments"].values()})
    for name in options:  # a value in the URL that the data no longer holds is dropped, not an error
        st.session_state[WIDGET_KEYS[name]] = [
            v for v in st.session_state.get(WIDGET_KEYS[name]) or [] if v in options[name]
        ]
    zh = lang() == "zh"
    bar = st.sidebar
    bar.header(t("filters"))
    span = s.records("date_span")[0]
    bounds = {"min_value": span["first_visit_date"] or date(2000, 1, 1), "max_value": date(2100, 12, 31)}
    _keep_dates_within(**bounds)
    # One above the other: side by side, the sidebar is too narrow to show a whole date.
    bar.date_input(t("filter_from"), key=WIDGET_KEYS["date_from"], format="YYYY-MM-DD", **bounds)
    bar.date_input(t("filter_to"), key=WIDGET_KEYS["date_to"], format="YYYY-MM-DD", **bounds)
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


def _keep_dates_within(min_value: date, max_value: date) -> None:
    """A date from a shared link that the date filters cannot show (before the first visit, 9999-12-31) is
    dropped with a notice; given to the widget, Streamlit would stop the page (ValueBelowMin/ValueAboveMax)."""
    for name in ("date_from", "date_to"):
        value = st.session_state.get(WIDGET_KEYS[name])
        if value is not None and not min_value <= value <= max_value:
            st.session_state[WIDGET_KEYS[name]] = None
            label = t(f"filter_{name.removeprefix('date_')}")
            shown = {"value": value.isoformat(), "first": min_value.isoformat(), "last": max_value.isoformat()}
            st.toast(t("filter_date_dropped", label=label, **shown), icon=":material/event_busy:")


# -------------------------------------------------------------------------------------------- display


def page_header(title_key: str) -> None:
    _init_from_url()
    st.title(t(title_key))
    if is_sample(data_location()):
        st.caption(t("sample_notice"))


def empty_state(summary: dict) -> bool:
    """Say what to do when nothing is shown; True when the page has nothing to draw."""
    if summary["visits"]:
        return False
    if filters().is_empty():
        st.info(t("empty_store", path=str(data_location())), icon=":material/info:")
    else:
        st.info(t("empty_filtered"), icon=":material/filter_alt:")
        st.button(t("filter_clear"), on_click=clear_filters, key="empty_clear_filters")
    return True


def localised_table(df: pd.DataFrame) -> pd.DataFrame:
    """The numbers shown with headers, kinds and types in the current language; ids kept for reference."""
    shown, headers = _localised(df)
    return shown.rename(columns=headers)


def _localised(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """The columns shown in the current language (values translated) and their headers."""
    other = "_en" if lang() == "zh" else "_zh"
    shown = df[
        [c for c in df.columns if not c.endswith(other) and not (c == "city" and lang() == "zh" and "city_zh" in df)]
    ]
    for column in ("kind", "visit_type"):
        if column in shown:
            prefix = "kind" if column == "kind" else "type"
            shown = shown.assign(**{column: shown[column].map(lambda v, p=prefix: t(f"{p}_{v}"))})
    codes = [
        column
        for column in shown.columns
        if column == "category_id"
        or (f"{column}_zh" in df and column == column.removesuffix("_en") and column not in i18n.ENGLISH_NAME_IS_KEY)
    ]
    headers = {}
    for column in shown.columns:
        base = column.removesuffix("_en").removesuffix("_zh")
        if column in codes:  # two code columns (department and category) are told apart by what they code
            thing = "category" if column == "category_id" else column
            headers[column] = t("col_code") if len(codes) == 1 else f"{t('col_code')} ({t(f'col_{thing}')})"
        elif i18n.t(f"col_{base}", "en") != f"col_{base}":
            headers[column] = t(f"col_{base}")
    return shown, headers


def chart(fig: go.Figure, data: pd.DataFrame, *, key: str, filter_names: tuple[str, ...] = (), alt: str = "") -> None:
    """A chart with its numbers table. Clicking a bar or cell filters every page by the clicked row:
    each point's `customdata` holds the values for `filter_names`, in order (cross-filter)."""

    def on_select() -> None:
        chosen: dict[str, list[str]] = {name: [] for name in filter_names}
        for point in st.session_state[key].selection.points:
            custom = point.get("customdata")
            values = [custom] if isinstance(custom, str) else list(custom or [])
            for name, value in zip(filter_names, values, strict=False):
                chosen[name].append(value)
        for name, values in chosen.items():
            if values:
                set_filter(name, values)

    st.plotly_chart(
        fig,
        key=key,
        on_select=on_select if filter_names else "ignore",
        selection_mode="points",
        config={"displaylogo": False},
        alt=alt or fig.layout.title.text,
    )
    export_menu(key, fig, data)
    with st.expander(t("data_table"), icon=":material/table:"):
        _dataframe(data)


def _dataframe(df: pd.DataFrame) -> None:
    """A query result as a grid in the current language: dates written the language's way (still sorted as
    dates), counts with thousands separators."""
    shown, headers = _localised(df)
    config: dict[str, Any] = {}
    for column in shown.columns:
        header = headers.get(column, column)
        if column == "month":
            config[header] = st.column_config.DateColumn(format=formatting.TABLE_MONTH[lang()])
        elif column.endswith("_date"):
            config[header] = st.column_config.DateColumn(format=formatting.TABLE_DATE[lang()])
        elif pd.api.types.is_integer_dtype(shown[column]):
            config[header] = st.column_config.NumberColumn(format="localized")
    st.dataframe(shown.rename(columns=headers), hide_index=True, column_config=config)


def table(data: pd.DataFrame, *, key: str) -> None:
    """A table of query results as shown (localised), with its CSV/XLSX export."""
    _dataframe(data)
    export_menu(key, None, data)


def export_menu(key: str, fig: go.Figure | None, data: pd.DataFrame | None) -> None:
    """An Export menu: the chart as PNG/SVG and the table exactly as shown as CSV/XLSX. Each file is made
    only when its button is clicked (rendering an image starts a browser: seconds, not every rerun)."""
    shown = localised_table(data) if data is not None else None
    files = {
        "png": (fig is not None, partial(formats.image, fig, "png"), ":material/image:"),
        "svg": (fig is not None, partial(formats.image, fig, "svg"), ":material/polyline:"),
        "csv": (shown is not None, partial(formats.csv_bytes, shown), ":material/csv:"),
        "xlsx": (shown is not None, partial(formats.xlsx_bytes, shown), ":material/table_view:"),
    }
    with st.popover(t("export_menu"), icon=":material/download:", help=t("export_menu_help"), key=f"{key}_export"):
        for fmt, (wanted, make, icon) in files.items():
            if wanted:
                st.download_button(
                    t(f"export_{fmt}"),
                    data=make,
                    file_name=f"innovisits-{key}.{fmt}",
                    mime=formats.MIME[fmt],
                    key=f"{key}_export_{fmt}",
                    on_click="ignore",
                    icon=icon,
                )


def plain(text: object) -> str:
    """Data shown through a markdown element as literal text: no links, images or formatting."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def city_names(visited_only: bool = False) -> dict[str, str]:
    """City key -> name in the current language, most visited first."""
    cities = query("filter_cities")
    if visited_only:
        cities = cities[cities["visits"] > 0]
    return dict(zip(cities["city"], cities["name_zh"] if lang() == "zh" else cities["city"], strict=True))


def visit_caption(visit: pd.Series) -> str:
    """One line naming a visit in a picker: date · city · title."""
    when = formatting.date_text(visit["visit_date"], lang())
    return " · ".join(str(v) for v in (when, visit[name("city")], visit["title"] or "") if v)


def record_table(record: pd.Series) -> pd.DataFrame:
    """One visit's fields as a two-column table (shown as data, so nothing in it is ever rendered)."""
    fields = ("visit_id", "visit_date", "city", "host", "visit_type", "title", "notes")
    values = {
        **record,
        "city": record[name("city")],
        "visit_type": t(f"type_{record['visit_type']}"),
        "visit_date": formatting.date_text(record["visit_date"], lang()),
    }
    return pd.DataFrame(
        {t("field"): [t(f"col_{f}") for f in fields], t("value"): [str(values[f] or "") for f in fields]}
    )
