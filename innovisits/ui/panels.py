"""What pages are built from: the page header, the empty state, a chart with its numbers table and Export
menu (clicking a bar cross-filters every page), tables in the page's language, and text shown literally."""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import partial
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from innovisits import i18n
from innovisits.data.config import data_location, is_sample
from innovisits.data.store import Store
from innovisits.export import formats
from innovisits.i18n import formatting
from innovisits.report import charts, filter_line, views
from innovisits.ui import briefing
from innovisits.ui.data import load, query
from innovisits.ui.language import lang, name, t
from innovisits.ui.sidebar import clear_filters, filters, init_from_url, remove_filter, set_filter

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")
BILINGUAL = ("host", "title", "notes")  # visit text kept in English (`host`) and, optionally, Chinese (`host_zh`)


def page_header(title_key: str) -> None:
    """The page title, then the active filters on one line, each with its own "×" (removes just that one)."""
    init_from_url()
    st.title(t(title_key))
    items = active_filters()
    if items:
        with st.container(horizontal=True, gap="small", vertical_alignment="center", key="active_filters"):
            st.caption(t("filters_shown"), width="content")
            for item in items:
                st.button(
                    item.short,
                    key=f"remove_{item.field}_{item.value}",
                    help=t("filter_remove", label=item.label),
                    on_click=remove_filter,
                    args=(item.field, item.value),
                    icon=":material/close:",
                    icon_position="right",
                    type="secondary",
                )
    if is_sample(data_location()):
        st.caption(t("sample_notice"))


def active_filters() -> list[filter_line.FilterItem]:
    """The filters in view, named in the page's language (none while the data cannot be read: the pages that
    still work then say which file is wrong)."""
    current = filters()
    if current.is_empty() or not isinstance(load(), Store):
        return []
    return filter_line.filter_items(current, views.sidebar(query), lang())


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
    """The numbers shown with headers, kinds and types in the current language; ids kept for reference. A
    visit's host, title and notes keep both languages (an export loses nothing and uploads again)."""
    shown, headers = _localised(df, both=True)
    return shown.rename(columns=headers)


def _localised(df: pd.DataFrame, *, both: bool = False) -> tuple[pd.DataFrame, dict[str, str]]:
    """The columns shown in the current language (values translated) and their headers; `both` keeps the
    two languages of visit text side by side, else one column each in the page's language, or the other's."""
    other = "_en" if lang() == "zh" else "_zh"
    pairs = [c for c in BILINGUAL if c in df and f"{c}_zh" in df]
    if pairs and not both:
        records = df[[*pairs, *(f"{c}_zh" for c in pairs)]].to_dict("records")
        own = {c: [i18n.own_text(r, c, lang()) for r in records] for c in pairs}
        df, pairs = df.assign(**own).drop(columns=[f"{c}_zh" for c in pairs]), []
    kept = {f"{c}_zh" for c in pairs}
    shown = df[
        [
            c
            for c in df.columns
            if c in kept or (not c.endswith(other) and not (c == "city" and lang() == "zh" and "city_zh" in df))
        ]
    ]
    for column in ("kind", "visit_type"):
        if column in shown:
            prefix = "kind" if column == "kind" else "type"
            shown = shown.assign(**{column: shown[column].map(lambda v, p=prefix: t(f"{p}_{v}"))})
    codes = [
        column
        for column in shown.columns
        if column == "category_id"
        or (
            f"{column}_zh" in df
            and column == column.removesuffix("_en")
            and column not in (*i18n.ENGLISH_NAME_IS_KEY, *BILINGUAL)
        )
    ]
    headers = {}
    for column in shown.columns:
        base = column.removesuffix("_en").removesuffix("_zh")
        if column in codes:  # two code columns (department and category) are told apart by what they code
            thing = "category" if column == "category_id" else column
            headers[column] = t("col_code") if len(codes) == 1 else f"{t('col_code')} ({t(f'col_{thing}')})"
        elif i18n.has(f"col_{base}"):
            headers[column] = t(f"col_{base}")
    for column in pairs:
        headers[column], headers[f"{column}_zh"] = t(f"col_{column}_en"), t(f"col_{column}_zh")
    return shown, headers


def chart(fig: go.Figure, data: pd.DataFrame, *, key: str, filter_names: tuple[str, ...] = (), alt: str = "") -> None:
    """A chart with its numbers table. Clicking a bar or cell filters every page by the clicked row:
    each point's `customdata` holds the values for `filter_names`, in order (cross-filter)."""

    def on_select() -> None:
        chosen: dict[str, list[str]] = {name: [] for name in filter_names}
        for point in st.session_state[key].selection.points:
            custom = point.get("customdata")
            values = [custom] if isinstance(custom, str) else list(custom or [])
            for field, value in zip(filter_names, values, strict=False):
                chosen[field].append(value)
        for field, values in chosen.items():
            if values:
                set_filter(field, values)

    st.plotly_chart(
        fig,
        key=key,
        on_select=on_select if filter_names else "ignore",
        selection_mode="points",
        # No plotly toolbar: it covered the chart's title on hover (always, on a phone); the Export menu below
        # saves the image, and double-click still resets a zoom.
        config={"displayModeBar": False},
        alt=alt or fig.layout.title.text.replace("<br>", " "),  # a long title is drawn on two lines
    )
    with st.container(horizontal=True):
        export_menu(key, fig, data)
        briefing.button(key, fig, data, filters())
    numbers(key, data)


def numbers(key: str, data: pd.DataFrame) -> None:
    """The chart's numbers as a table in a closed panel, drawn only while open (a fragment reruns just the
    panel when it is opened): a grid is the heaviest element to send and draw, and the page drew one per
    chart on every rerun for panels nobody had opened."""

    @st.fragment
    def panel() -> None:
        with st.expander(t("data_table"), icon=":material/table:", key=f"{key}_table", on_change="rerun") as shown:
            if shown.open:
                grid(data)

    panel()


def department_bars(departments: pd.DataFrame, *, title_key: str, key: str, limit: int | None = None) -> None:
    """Delegates per department as ranked bars, the departments filtered strong; a click filters every page by
    the department (the Overview's top ten and Departmental participation's whole list)."""
    ranked = charts.ranked_bars(
        departments,
        key="department",
        label=name("department"),
        value="delegates",
        title=t(title_key),
        lang=lang(),
        limit=limit,
        selected=filters().departments,
    )
    chart(ranked, departments, key=key, filter_names=("departments",))


# Free text that would push the numbers off a laptop screen: a column of fixed width (the cell shows the
# rest when selected).
LONG_TEXT = ("host", "title", "notes", "follow_up_note")


def grid(
    df: pd.DataFrame, *, codes: bool = True, hide: tuple[str, ...] = (), widths: Mapping[str, int] | None = None
) -> None:
    """A query result as a grid in the current language: dates written the language's way (still sorted as
    dates), counts with thousands separators, long text in fixed-width columns (`widths`: pixels by column,
    either language's, so a wide table fits a laptop); codes only where `codes` (not in a list that is read
    rather than looked up), the `hide` columns left out."""
    shown, headers = _localised(df)
    config: dict[str, Any] = {}
    for column in shown.columns:
        header = headers.get(column, column)
        if column in LONG_TEXT:
            config[header] = st.column_config.TextColumn(width="medium")
        elif column in ("month", "period"):
            config[header] = st.column_config.DateColumn(format=formatting.table_format(lang(), "month"))
        elif column.endswith("_date"):
            config[header] = st.column_config.DateColumn(format=formatting.table_format(lang()))
        elif pd.api.types.is_integer_dtype(shown[column]):
            config[header] = st.column_config.NumberColumn(format="localized")
        base = column.removesuffix("_en").removesuffix("_zh")
        if widths and base in widths:
            config[header] = {**config.get(header, {}), "width": widths[base]}
    hidden = {headers.get(c, c) for c in shown.columns if c in hide}
    if not codes:
        hidden |= {headers.get(c, c) for c in shown.columns if headers.get(c, c).startswith(t("col_code"))}
    order = [headers.get(c, c) for c in shown.columns if headers.get(c, c) not in hidden]
    st.dataframe(shown.rename(columns=headers), hide_index=True, column_config=config, column_order=order)


def table(data: pd.DataFrame, *, key: str, hide: tuple[str, ...] = (), widths: Mapping[str, int] | None = None) -> None:
    """A list of query results to read (localised, names without their codes, the `hide` columns left out,
    `widths` in pixels by column), with its CSV/XLSX export of every column."""
    grid(data, codes=False, hide=hide, widths=widths)
    export_menu(key, None, data)


def export_menu(key: str, fig: go.Figure | None, data: pd.DataFrame | None, *, says_filters: bool = False) -> None:
    """An Export menu: the chart as PNG/SVG and the table exactly as shown as CSV/XLSX. Each file is made
    only when its button is clicked (rendering an image starts a browser: seconds, not every rerun). A figure
    that `says_filters` already names the filters it was drawn with (a slide's); any other gets the active ones.

    The menu's buttons are drawn only while it is open, by a fragment: a page has one menu per chart and table,
    and their buttons (up to four each) were most of a page's elements, sent, laid out and drawn again on every
    rerun (a filter change, a language switch) for a menu nobody had opened. Opening it reruns just the menu."""

    @st.fragment
    def menu() -> None:
        with st.popover(
            t("export_menu"),
            icon=":material/download:",
            help=t("export_menu_help"),
            key=f"{key}_export",
            on_change="rerun",
        ) as popover:
            if popover.open:
                _export_buttons(key, fig, data, says_filters=says_filters)
            else:  # what an opening menu shows until its buttons arrive (the menu's own rerun)
                st.caption(t("export_preparing"))

    menu()


def _export_buttons(key: str, fig: go.Figure | None, data: pd.DataFrame | None, *, says_filters: bool) -> None:
    shown = localised_table(data) if data is not None else None
    # The file says what it shows: the active filters as the chart's subtitle (the copy made on the click).
    wants_subtitle = fig is not None and not says_filters
    subtitle = filter_line.filter_line(active_filters(), lang()) if wants_subtitle else ""
    files = {
        "png": (fig is not None, partial(_image, fig, subtitle, "png"), ":material/image:"),
        "svg": (fig is not None, partial(_image, fig, subtitle, "svg"), ":material/polyline:"),
        "csv": (shown is not None, partial(formats.csv_bytes, shown), ":material/csv:"),
        "xlsx": (shown is not None, partial(formats.xlsx_bytes, shown), ":material/table_view:"),
    }
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


def _image(fig: go.Figure, subtitle: str, fmt: str) -> bytes:
    return formats.image(formats.with_subtitle(fig, subtitle), fmt)


def plain(text: object) -> str:
    """Data shown through a markdown element as literal text: no links, images or formatting."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))


def city_names(cities: pd.DataFrame) -> dict[str, str]:
    """City key -> name in the current language, in the order given."""
    return dict(zip(cities["city"], cities["name_zh"] if lang() == "zh" else cities["city"], strict=True))


def visit_caption(visit: pd.Series) -> str:
    """One line naming a visit in a picker: date · city · title."""
    when = formatting.date_text(visit["visit_date"], lang())
    return " · ".join(str(v) for v in (when, visit[name("city")], i18n.own_text(visit, "title", lang())) if v)


def record_table(record: pd.Series) -> pd.DataFrame:
    """One visit's fields as a two-column table (shown as data, so nothing in it is ever rendered)."""
    fields = ("visit_id", "visit_date", "city", "host", "visit_type", "title", "notes")
    values = {
        **record,
        **{f: i18n.own_text(record, f, lang()) for f in BILINGUAL},
        "city": record[name("city")],
        "visit_type": t(f"type_{record['visit_type']}"),
        "visit_date": formatting.date_text(record["visit_date"], lang()),
    }
    return pd.DataFrame(
        {t("field"): [t(f"col_{f}") for f in fields], t("value"): [str(values[f] or "") for f in fields]}
    )
