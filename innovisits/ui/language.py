"""The page's language: chosen in the sidebar, kept in the URL (`?lang=zh`), and every text looked up in it."""

from __future__ import annotations

import streamlit as st

from innovisits import i18n

LANG_KEY = "lang"


def lang() -> str:
    return i18n.language(st.session_state.get(LANG_KEY) or st.query_params.get("lang"))


def t(key: str, **values: object) -> str:
    return i18n.t(key, lang(), **values)


def name(base: str) -> str:
    """The column with `base`'s name in the current language (`department_zh`, `department_en`, `city`)."""
    return i18n.name_column(base, lang())
