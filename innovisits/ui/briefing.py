"""The charts a presenter chose for the briefing: an "Add to briefing" button beside every chart's Export menu,
and the choice, in order, for presenter mode and the pack.

A chosen chart is its drawn figure and table (with the filters it was drawn with), which only its page can
rebuild, so the URL carries a reference to each drawing, in order (`?brief=overview_departments.3f9c…`), and
the server keeps the drawings it was given (`_drawings`, shared by every session). A reload or a shared link
therefore keeps the chosen slides in order. A drawing this server no longer holds (it restarted) stays
chosen, in its place, and is drawn again when its page is opened. A chosen chart is refreshed each time its
page draws it again, and the URL with it."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from innovisits.data.filters import Filters
from innovisits.report.slides import ChosenChart
from innovisits.ui.language import t

URL_KEY = "brief"  # one `brief=<chart key>.<drawing id>` per chosen chart, in the order added
_CHOSEN = "_briefing"  # {chart key: Choice}, in the order added
_SYNCED = "_briefing_synced"  # (page, the URL's references) as this session last wrote them
KEPT_DRAWINGS = 500  # the server forgets the least recently used drawings beyond this many


@dataclass(frozen=True)
class Choice:
    """A chosen chart's reference (what the URL holds) and its drawing (None until its page draws it, when
    the server no longer has it)."""

    drawing_id: str
    chart: ChosenChart | None


class _Drawings:
    """Drawings by id, shared by the sessions of this server, least recently used forgotten first."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._items: OrderedDict[str, ChosenChart] = OrderedDict()

    def put(self, drawing_id: str, chart: ChosenChart) -> None:
        with self._lock:
            self._items[drawing_id] = chart
            self._items.move_to_end(drawing_id)
            while len(self._items) > KEPT_DRAWINGS:
                self._items.popitem(last=False)

    def get(self, drawing_id: str) -> ChosenChart | None:
        with self._lock:
            if drawing_id in self._items:
                self._items.move_to_end(drawing_id)
            return self._items.get(drawing_id)


@st.cache_resource
def _drawings() -> _Drawings:
    return _Drawings()


def drawing_id(chart: ChosenChart) -> str:
    """A short id of what the chart draws (figure, table, title and filters): the same drawing, the same id."""
    digest = hashlib.sha256()
    for part in (chart.key, chart.title, chart.figure.to_json(), chart.data.to_csv(), str(chart.filters.to_query())):
        digest.update(part.encode("utf-8") + b"\0")
    return digest.hexdigest()[:16]


def _reference(key: str, choice: Choice) -> str:
    return f"{key}.{choice.drawing_id}"


def _from_url() -> dict[str, Choice]:
    """The choice the URL names, with the drawings this server has."""
    chosen = {}
    for reference in st.query_params.get_all(URL_KEY):
        key, _, drawing = reference.rpartition(".")
        if key and drawing and key not in chosen:
            chosen[key] = Choice(drawing, _drawings().get(drawing))
    return chosen


def _page() -> str:
    ctx = get_script_run_ctx()
    return ctx.page_script_hash if ctx else ""


def _chosen() -> dict[str, Choice]:
    """This session's choice: from the URL on the session's first run and whenever the browser changed the
    URL on the same page (Back / Forward); going to another page (a link without the query string) keeps it."""
    url = st.query_params.get_all(URL_KEY)
    synced = st.session_state.get(_SYNCED)
    if _CHOSEN not in st.session_state or (synced and synced[0] == _page() and synced[1] != url):
        st.session_state[_CHOSEN] = _from_url()
        st.session_state[_SYNCED] = (_page(), url)
    return st.session_state[_CHOSEN]


def sync_url() -> None:
    """Write the choice into the URL (each run: a new page's link carries no query string)."""
    wanted = [_reference(key, choice) for key, choice in _chosen().items()]
    if st.query_params.get_all(URL_KEY) != wanted:
        if wanted:
            st.query_params[URL_KEY] = wanted
        else:
            del st.query_params[URL_KEY]
    st.session_state[_SYNCED] = (_page(), wanted)


def chosen() -> tuple[ChosenChart, ...]:
    """The chosen charts in the order they were added (empty: the default sequence), those drawn."""
    return tuple(choice.chart for choice in _chosen().values() if choice.chart is not None)


def undrawn() -> int:
    """How many chosen charts wait for their page to draw them (a link from before the server restarted)."""
    return sum(choice.chart is None for choice in _chosen().values())


def _keep(chart: ChosenChart) -> None:
    choice = Choice(drawing_id(chart), chart)
    _drawings().put(choice.drawing_id, chart)
    _chosen()[chart.key] = choice
    sync_url()


def _chart(key: str, fig: go.Figure, data: pd.DataFrame, filters: Filters) -> ChosenChart:
    """The chart as drawn now (a copy of its figure: made only when chosen, not on every rerun)."""
    return ChosenChart(key, fig.layout.title.text or key, go.Figure(fig), data, filters)


def _add(key: str, fig: go.Figure, data: pd.DataFrame, filters: Filters) -> None:
    _keep(_chart(key, fig, data, filters))


def _remove(key: str) -> None:
    _chosen().pop(key, None)
    sync_url()


def reset() -> None:
    """Back to the default sequence."""
    _chosen().clear()
    sync_url()


def button(key: str, fig: go.Figure, data: pd.DataFrame, filters: Filters) -> None:
    """Add (or remove) the chart `key` as drawn now; a chart already chosen takes this drawing."""
    if key in _chosen():
        _keep(_chart(key, fig, data, filters))
        st.button(
            t("briefing_remove"), on_click=_remove, args=(key,), icon=":material/playlist_remove:", key=f"{key}_brief"
        )
    else:
        st.button(
            t("briefing_add"),
            on_click=_add,
            args=(key, fig, data, filters),
            icon=":material/playlist_add:",
            help=t("briefing_add_help"),
            key=f"{key}_brief",
        )
