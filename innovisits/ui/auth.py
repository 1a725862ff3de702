"""Staff sign-in for the pages (a UI module: it imports Streamlit). Two ways, both configured only in
`.streamlit/secrets.toml`: an identity provider for `st.login` (an `[auth]` section; optionally
`[staff] emails = [...]` to say who is staff), or accounts with argon2-hashed passwords under
`[staff.accounts]`. With neither, nobody is staff and uploading is off."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from innovisits.data import passwords
from innovisits.data.config import ConfigError
from innovisits.ui import t

USER_KEY = "staff_user"
_BACKOFF_KEY = "_staff_backoff"


def _secret(name: str) -> Mapping[str, Any]:
    try:
        return st.secrets.get(name) or {}
    except (FileNotFoundError, StreamlitSecretNotFoundError):
        return {}


def mode() -> str | None:
    """ "provider" (st.login), "password" (hashed accounts) or None (no staff configured)."""
    if _secret("auth"):
        return "provider"
    if _secret("staff").get("accounts"):
        return "password"
    return None


def staff_user() -> str | None:
    """Who is signed in as staff in this session, or None for a viewer."""
    if mode() == "provider":
        if not st.user.is_logged_in:
            return None
        email = str(st.user.get("email") or "")
        allowed = list(_secret("staff").get("emails") or [])
        return email if not allowed or email in allowed else None
    if mode() == "password":
        user = st.session_state.get(USER_KEY)
        return user if user in _secret("staff")["accounts"] else None
    return None


def _session_backoff() -> passwords.Backoff:
    if _BACKOFF_KEY not in st.session_state:
        st.session_state[_BACKOFF_KEY] = passwords.Backoff()
    return st.session_state[_BACKOFF_KEY]


def _password_sign_in() -> None:
    try:
        accounts = passwords.accounts()
    except (ConfigError, OSError, sqlite3.Error) as error:  # no shared throttle: no password is tried
        st.error(t("auth_no_throttle", reason=str(error)), icon=":material/error:")
        return
    with st.form("sign_in"):
        user = st.text_input(t("auth_user"), key="sign_in_user").strip()
        password = st.text_input(t("auth_password"), type="password", key="sign_in_password")
        submitted = st.form_submit_button(t("auth_sign_in"), icon=":material/login:")
    if not submitted:
        return
    session = _session_backoff()
    wait = session.wait("session") or accounts.claim(user)  # a claimed attempt counts as wrong until right
    if wait > 0:
        st.error(t("auth_wait", seconds=int(wait) + 1), icon=":material/timer:")
        return
    if passwords.verify(_secret("staff")["accounts"], user, password):
        accounts.succeeded(user)
        session.succeeded("session")
        st.session_state[USER_KEY] = user
        st.rerun()
    session.failed("session")
    st.error(t("auth_wrong"), icon=":material/error:")


def sign_in_panel() -> None:
    """The sign-in page's content for the configured mode."""
    current = mode()
    user = staff_user()
    if current is None:
        st.warning(t("auth_off"), icon=":material/lock:")
        st.markdown(t("auth_how_to"))
    elif user:
        st.success(t("auth_signed_in_as", user=user), icon=":material/verified_user:")
        if st.button(t("auth_sign_out"), key="sign_out", icon=":material/logout:"):
            if current == "provider":
                st.logout()
            st.session_state.pop(USER_KEY, None)
            st.rerun()
    elif current == "provider":
        if st.user.is_logged_in:
            st.warning(t("auth_not_staff", user=str(st.user.get("email") or "")), icon=":material/block:")
        st.button(t("auth_sign_in_with_provider"), on_click=st.login, key="sign_in_provider", icon=":material/login:")
    else:
        _password_sign_in()
    st.caption(t("auth_viewer_note"))
