"""The page's language: chosen in the sidebar, kept in the URL (`?lang=zh`), and every text looked up in it."""

from __future__ import annotations

from collections.abc import Iterable

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


def keep_choice(key: str, options: Iterable[object]) -> None:
    """Set a keyed selectbox's or multiselect's value again before it is drawn. Streamlit sends the chosen
    options back by the words it showed, so after a language switch they matched none of the new words: the
    choice was shown in the old language, or lost. A value set in the session is drawn in the new words. A value
    the options no longer hold is dropped (the widget falls back to its default)."""
    if key not in st.session_state:
        return
    value, known = st.session_state[key], set(options)
    if isinstance(value, list):
        st.session_state[key] = [v for v in value if v in known]
    elif value in known:
        st.session_state[key] = value
    else:
        del st.session_state[key]
