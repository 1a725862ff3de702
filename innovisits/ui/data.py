"""The data the pages show: the stores of the data directory, shared by every session (`data.serving`: the
newest store ready answers while the next version's is built), and each named query's result per store
version, filters and values (cached data), so a rerun that changes nothing runs no SQL. Within one script run,
the store and each result are looked up once (`_this_run`): a page asks for the same results several times
(the sidebar's choices, the filter chips, the page's own views), and each cached lookup hashes its arguments
and copies the result out of the cache, and each store lookup lists the data directory."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import (
    SCRIPT_RUN_CONTEXT_ATTR_NAME,
    add_script_run_ctx,
    get_script_run_ctx,
)

from innovisits.data.config import ConfigError, data_location, location
from innovisits.data.filters import Filters
from innovisits.data.serving import Stores
from innovisits.data.store import DataError, Store, data_version
from innovisits.ui.language import t

WAIT_KEY = "data_wait_for_newest"  # set by `changed`: this session's next store is the newest version
SHOWN_KEY = "data_shown"  # this session shows data: it keeps being answered while the next version is built
_RUN_KEY = "_data_this_run"  # (the script run, {what: answer}): what this run has looked up already


def _this_run() -> dict[Any, Any]:
    """What the current script run (a full run or a fragment's) has looked up already: a new dict for each
    run. A run is told by Streamlit's per-run coordinator (`ScriptRunContext.reset` makes a new one for every
    run, fragments included); outside a run (no context) nothing is kept."""
    ctx = get_script_run_ctx()
    run = getattr(ctx, "parallel_coordinator", None)
    if run is None:
        return {}
    held = st.session_state.get(_RUN_KEY)
    if held is None or held[0] is not run:
        held = (run, {})
        st.session_state[_RUN_KEY] = held
    return held[1]


@st.cache_resource(max_entries=4, show_spinner=False)
def _stores(directory: str) -> Stores:
    """One set of stores per data directory for the whole server (a server has one; tests have many)."""
    return Stores(location(directory))


def store() -> Store:
    """The newest store ready: a session that shows data is answered from the previous data version while
    the next one is built, and switches to it on the rerun after; a new session (a page opened or reloaded)
    and the session that changed the data (`changed`) wait for the newest version. Looked up once per run."""
    memo = _this_run()
    if "store" not in memo:
        memo["store"] = _newest_ready()
    return memo["store"]


def _newest_ready() -> Store:
    directory = data_location()
    wait = st.session_state.pop(WAIT_KEY, False) or SHOWN_KEY not in st.session_state
    found = _stores(str(directory)).current(data_version(directory), wait=wait)
    st.session_state[SHOWN_KEY] = True
    return found


def changed() -> None:
    """This session stored or withdrew data: its next page shows the data version that holds the change."""
    st.session_state[WAIT_KEY] = True
    _this_run().clear()


def arriving() -> bool:
    """Whether a newer data version than the one shown is being built."""
    directory = data_location()
    return _stores(str(directory)).arriving(store(), data_version(directory))


@st.cache_data(max_entries=512, show_spinner=False)
def _query(directory: str, version: tuple, name: str, filters: Filters, values: tuple, _store: Store) -> pd.DataFrame:
    return _store.execute(name, filters, **dict(values)).df()


# The script run's thread and Streamlit context, noted by the script's own lookups. `views.together` runs a
# view's queries in threads of its own, each in a copy of the script's context (contextvars): there a query
# takes on the script's Streamlit context for its lookup (the run's store and results), and gives it up after.
_SCRIPT: ContextVar[tuple[int | None, Any]] = ContextVar("innovisits_script")


@contextmanager
def _script_context() -> Iterator[None]:
    thread = threading.current_thread()
    script = _SCRIPT.get(None)
    if script is None or script[0] == thread.ident:  # the script's own thread
        _SCRIPT.set((thread.ident, get_script_run_ctx()))
        yield
        return
    add_script_run_ctx(thread, script[1])
    try:
        yield
    finally:
        setattr(thread, SCRIPT_RUN_CONTEXT_ATTR_NAME, None)  # a pooled thread serves other sessions next


def query(name: str, filters: Filters | None = None, **values: Any) -> pd.DataFrame:
    """A named query's result as a DataFrame, cached per version of the store that answers, filters and
    values."""
    with _script_context():
        found = store()
        args = (str(found.data_dir), found.version, name, filters or Filters(), tuple(sorted(values.items())))
        memo = _this_run()
        if args not in memo:
            memo[args] = _query(*args, found)
        return memo[args]


@st.cache_data(max_entries=16, show_spinner=False)
def _derived(directory: str, version: tuple, name: str, _compute: Callable[[Store], Any], _store: Store) -> Any:
    return _compute(_store)


def derived(name: str, compute: Callable[[Store], Any]) -> Any:
    """`compute(store)` cached per store version under `name`: for results built from several queries."""
    found = store()
    return _derived(str(found.data_dir), found.version, name, compute, found)


# Pages that keep working when a data file cannot be read: they say which (data quality), or let staff
# sign in and withdraw the batch that brought it (history).
PAGES_WITHOUT_DATA = ("data_quality", "sign_in", "upload", "history")


def load() -> Store | DataError | ConfigError:
    """The store, or the error that says which data file (and column) cannot be read (the spinner only on the
    run's first look: asked again, the store is at hand)."""
    _SCRIPT.set((threading.get_ident(), get_script_run_ctx()))  # before any view's threads (see `query`)
    if "store" in (memo := _this_run()):
        return memo["store"]
    try:
        with st.spinner(t("loading")):
            return store()
    except (DataError, ConfigError) as error:
        return error


def load_or_stop() -> Store:
    """The store, or a clear message on the page (never a traceback) when a data file is unreadable: which
    file and column, without the server's paths or DuckDB's SQL (see `store.explain`)."""
    found = load()
    if isinstance(found, Store):
        return found
    st.error(t("data_error", error=str(found)), icon=":material/error:")
    st.caption(t("data_error_help"))
    st.stop()
