"""Reference data forms (a UI module): add or rename a department, city or category, or add an alias, on
the Reference data page and from an upload's "unknown department" problem. The work is
`innovisits.ingest.reference`, the same code the `reference` verb runs."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from innovisits import ui
from innovisits.data.config import data_dir
from innovisits.ingest import reference
from innovisits.ingest.rules import CITY, DEPARTMENT
from innovisits.ui.data import changed
from innovisits.ui.upload import DONE_KEY

_CHINESE = re.compile(r"[\u3400-\u9fff]")


def _kind_name(kind: str) -> str:
    return ui.t(f"reference_kind_{kind}")


def add_form(kind: str, user: str, written: str = "", key: str = "reference") -> None:
    """A form adding (or, for an existing code, renaming) one entry; `written` (a name an upload used) fills
    the English or Chinese name, whichever it is written in."""
    chinese = bool(_CHINESE.search(written))
    with st.form(f"{key}_{kind}"):
        if kind == CITY:
            code = st.text_input(
                ui.t("reference_city_code"), value="" if chinese else written, key=f"{key}_{kind}_code"
            )
            name_en = code
        else:
            code = st.text_input(ui.t("reference_code"), help=ui.t("reference_code_help"), key=f"{key}_{kind}_code")
            name_en = st.text_input(ui.t("reference_name_en"), value="" if chinese else written, key=f"{key}_{kind}_en")
        name_zh = st.text_input(ui.t("reference_name_zh"), value=written if chinese else "", key=f"{key}_{kind}_zh")
        department_kind = lat = lon = None
        if kind == DEPARTMENT:
            department_kind = st.selectbox(
                ui.t("reference_department_kind"),
                reference.DEPARTMENT_KINDS,
                format_func=lambda k: ui.t(f"kind_{k}"),
                index=None,
                key=f"{key}_{kind}_kind",
            )
        if kind == CITY:
            left, right = st.columns(2)
            lat = left.number_input(ui.t("reference_lat"), value=None, format="%.4f", key=f"{key}_{kind}_lat")
            lon = right.number_input(ui.t("reference_lon"), value=None, format="%.4f", key=f"{key}_{kind}_lon")
        submitted = st.form_submit_button(ui.t("reference_save"), icon=":material/save:")
    if submitted:
        entry = reference.Entry(kind, code, name_en, name_zh, department_kind, lat, lon)
        _store(lambda: reference.add(data_dir(), entry, user), kind=_kind_name(kind), code=code.strip())


def alias_form(user: str, key: str = "reference") -> None:
    with st.form(f"{key}_alias"):
        alias = st.text_input(ui.t("reference_alias"), key=f"{key}_alias_text")
        kind = st.selectbox(
            ui.t("reference_alias_kind"), reference.KINDS, format_func=_kind_name, key=f"{key}_alias_kind"
        )
        target = st.text_input(ui.t("reference_alias_for"), key=f"{key}_alias_target")
        submitted = st.form_submit_button(ui.t("reference_save"), icon=":material/save:")
    if submitted:
        _store(lambda: reference.add_alias(data_dir(), kind, alias, target, user), code=target, alias=alias)


def _store(action: object, **params: str) -> None:
    """Run the addition; its outcome is shown after the rerun (or its error at once)."""
    try:
        stored = action()
    except reference.ReferenceError as error:
        st.error(ui.t(f"reference_error_{error.code}", **error.params), icon=":material/error:")
        return
    if stored.batch_id is None:
        st.info(ui.t("reference_unchanged"), icon=":material/info:")
        return
    changed()
    st.session_state[DONE_KEY] = ui.t(f"reference_stored_{stored.action}", batch=stored.batch_id, **params)
    st.rerun()


def unknown_names(problems: list, user: str) -> None:
    """For each distinct unknown department, city or category in an upload's problems, an offer to add it."""
    seen = {}
    for problem in problems:
        kind = problem.code.removeprefix("unknown_")
        if kind in reference.KINDS and problem.value and problem.code.startswith("unknown_"):
            seen.setdefault((kind, problem.value), None)
    for number, (kind, value) in enumerate(seen):
        with st.expander(ui.t("upload_add_unknown", value=value, kind=_kind_name(kind)), icon=":material/add:"):
            add_form(kind, user, written=value, key=f"unknown_{number}")


def editor(user: str) -> None:
    """The reference page: one tab a kind, its rows and the form."""
    kinds = [*reference.KINDS, "alias"]
    for kind, tab in zip(kinds, st.tabs([ui.t(f"reference_tab_{k}") for k in kinds]), strict=True):
        with tab:
            rows = pd.DataFrame(reference.listing(data_dir(), kind))
            st.dataframe(rows, hide_index=True)
            st.markdown(f"**{ui.t('reference_add_or_rename')}**")
            if kind == "alias":
                alias_form(user)
            else:
                add_form(kind, user)
