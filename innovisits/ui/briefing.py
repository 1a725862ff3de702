"""The charts a presenter chose for the briefing: an "Add to briefing" button beside every chart's Export menu,
and the choice, in order, for presenter mode and the pack. Kept in the session (a chart is its drawn figure
and table, which a URL cannot carry); a chosen chart is refreshed each time its page draws it again."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from innovisits.data.filters import Filters
from innovisits.report.slides import ChosenChart
from innovisits.ui.language import t

_CHOSEN = "_briefing"  # {chart key: ChosenChart}, in the order added


def _chosen() -> dict[str, ChosenChart]:
    return st.session_state.setdefault(_CHOSEN, {})


def chosen() -> tuple[ChosenChart, ...]:
    """The chosen charts in the order they were added (empty: the default sequence)."""
    return tuple(_chosen().values())


def _add(key: str, fig: go.Figure, data: pd.DataFrame, filters: Filters) -> None:
    _chosen()[key] = _chart(key, fig, data, filters)


def _chart(key: str, fig: go.Figure, data: pd.DataFrame, filters: Filters) -> ChosenChart:
    """The chart as drawn now (a copy of its figure: made only when chosen, not on every rerun)."""
    return ChosenChart(key, fig.layout.title.text or key, go.Figure(fig), data, filters)


def _remove(key: str) -> None:
    _chosen().pop(key, None)


def reset() -> None:
    """Back to the default sequence."""
    _chosen().clear()


def button(key: str, fig: go.Figure, data: pd.DataFrame, filters: Filters) -> None:
    """Add (or remove) the chart `key` as drawn now; a chart already chosen takes this drawing."""
    if key in _chosen():
        _chosen()[key] = _chart(key, fig, data, filters)
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
