"""The data the pages show: one store per data version (a resource) and each named query's result per data
version, filters and values (cached data), so a rerun that changes nothing runs no SQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd
import streamlit as st

from innovisits.data.config import ConfigError, data_location, location
from innovisits.data.filters import Filters
from innovisits.data.store import DataError, Store, data_version
from innovisits.ui.language import t


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
    file and column, without the server's paths or DuckDB's SQL (see `store.explain`)."""
    found = load()
    if isinstance(found, Store):
        return found
    st.error(t("data_error", error=str(found)), icon=":material/error:")
    st.caption(t("data_error_help"))
    st.stop()
