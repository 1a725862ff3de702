"""Staff sign-in for the pages (a UI module: it imports Streamlit). Two ways, both configured only in
`.streamlit/secrets.toml`: an identity provider for `st.login` (an `[auth]` section; optionally
`[staff] emails = [...]` to say who is staff), or accounts with argon2-hashed passwords under
`[staff.accounts]`. With neither, nobody is staff and uploading is off.

A password sign-in survives a reload: the browser keeps a signed, expiring cookie (`passwords.session_token`,
12 hours), read back through `st.context.cookies`. Streamlit cannot set a cookie from Python, so the sign-in
page writes it (and deletes it on sign-out) with a constant one-line script that reads the cookie from a
hidden element beside it; the value is only base64url and hex."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping
from typing import Any

import streamlit as st
from streamlit.errors import StreamlitSecretNotFoundError

from innovisits.data import passwords
from innovisits.data.config import ConfigError
from innovisits.ui import t

USER_KEY = "staff_user"
COOKIE = "innovisits_staff"
_BACKOFF_KEY = "_staff_backoff"
_COOKIE_KEY = "_staff_cookie"  # the cookie the next run writes into the browser: a token, or "" to delete it
_SIGNED_OUT_KEY = "_staff_signed_out"  # this session signed out: its request's cookie no longer counts
_TOKEN = re.compile(r"([A-Za-z0-9_-]+\.[0-9a-f]{64})?")
# Constant, so deploy/nginx's Content-Security-Policy allows it by its hash (tests/test_deploy_config.py).
COOKIE_SCRIPT = (
    "document.cookie = document.currentScript.previousElementSibling.dataset.cookie"
    " + (location.protocol === 'https:' ? '; Secure' : '');"
)


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
        accounts = _secret("staff")["accounts"]
        user = st.session_state.get(USER_KEY)
        if user is None and not st.session_state.get(_SIGNED_OUT_KEY):
            cookie = st.context.cookies.get(COOKIE)  # (AppTest has no browser: a stand-in that is not text)
            user = passwords.session_user(cookie if isinstance(cookie, str) else None, _cookie_key())
            if user in accounts:
                st.session_state[USER_KEY] = user
        return user if user in accounts else None
    return None


def _cookie_key() -> bytes:
    staff = _secret("staff")
    return passwords.session_key(dict(staff.get("accounts") or {}), str(staff.get("cookie_secret") or ""))


def cookie_markup(value: str) -> str:
    """The element that writes the sign-in cookie (`value` a token; empty deletes it): a hidden span carrying
    the cookie, and COOKIE_SCRIPT, a constant whose hash the production CSP allows. Only a token's characters
    (base64url, a dot, hex) are accepted, so nothing else can reach the page this way."""
    if not _TOKEN.fullmatch(value):
        raise ValueError("not a sign-in token")
    age = passwords.SESSION_HOURS * 3600 if value else 0
    cookie = f"{COOKIE}={value}; Max-Age={age}; Path=/; SameSite=Strict"
    return f'<span hidden data-cookie="{cookie}"></span><script>{COOKIE_SCRIPT}</script>'


def _write_cookie() -> None:
    """Write (or delete) the sign-in cookie asked for by the last sign-in or sign-out."""
    value = st.session_state.pop(_COOKIE_KEY, None)
    if value is not None:
        st.html(cookie_markup(value), unsafe_allow_javascript=True)


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
        st.session_state[_COOKIE_KEY] = passwords.session_token(user, _cookie_key())
        st.session_state.pop(_SIGNED_OUT_KEY, None)
        st.rerun()
    session.failed("session")
    st.error(t("auth_wrong"), icon=":material/error:")


def sign_in_panel() -> None:
    """The sign-in page's content for the configured mode."""
    current = mode()
    _write_cookie()
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
            st.session_state[_COOKIE_KEY] = ""
            st.session_state[_SIGNED_OUT_KEY] = True
            st.rerun()
    elif current == "provider":
        if st.user.is_logged_in:
            st.warning(t("auth_not_staff", user=str(st.user.get("email") or "")), icon=":material/block:")
        st.button(t("auth_sign_in_with_provider"), on_click=st.login, key="sign_in_provider", icon=":material/login:")
    else:
        _password_sign_in()
    st.caption(t("auth_viewer_note"))
