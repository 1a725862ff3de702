"""Streamlit side of presenter mode and the briefing pack (a UI module, like ui.py): entering and leaving
the mode, the slide number kept in the URL (`?present=1&slide=3`), next/previous/auto-advance controls
and the pack's build-and-download panel. The slides themselves come from `innovisits.slides`."""

from __future__ import annotations

import time
from pathlib import Path

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from innovisits import ui
from innovisits.export import formats, pack
from innovisits.report import slides

PRESENT_KEY, SLIDE_KEY = "present", "slide"
STYLE = Path(__file__).parent / "static" / "presenter.css"
SECONDS = (10, 20, 30, 60)
_DUE = "_present_due"  # (slide number, monotonic time when auto-advance moves on)
_PACK = "_pack_files"  # (what the pack was built from, {format: bytes})


def requested() -> bool:
    """True when the URL asks for presenter mode."""
    return st.query_params.get(PRESENT_KEY, "").lower() in ("1", "true", "yes")


def style() -> None:
    st.html(STYLE)


def current(total: int) -> int:
    """The slide number from the URL, kept within 1..total (1 when absent or not a number)."""
    try:
        number = int(st.query_params.get(SLIDE_KEY, "1"))
    except ValueError:
        number = 1
    return min(max(number, 1), total)


def go_to(number: int) -> None:
    st.query_params[SLIDE_KEY] = str(number)
    st.session_state.pop(_DUE, None)


def enter() -> None:
    """Sidebar button: presenter mode on the first slide; the filters and language are already in the URL."""
    st.query_params[PRESENT_KEY] = "1"
    go_to(1)


def leave() -> None:
    """Back to the dashboard, on the Slides page at the same slide."""
    del st.query_params[PRESENT_KEY]


def sidebar() -> None:
    """The sidebar's entry to presenter mode and the briefing pack."""
    bar = st.sidebar
    bar.divider()
    bar.button(
        ui.t("present_open"),
        on_click=enter,
        icon=":material/slideshow:",
        help=ui.t("present_open_help"),
        type="primary",
        key="present_open",
    )
    pack_panel(bar)


def controls(number: int, total: int, slide: slides.Slide) -> None:
    """Previous / next (Page Up / Page Down, as sent by presentation clickers), auto-advance, the slide's
    exports and the pack, and the way out."""
    back, forward, auto, seconds, export, leave_column = st.columns([1, 1, 1.2, 1.2, 1.2, 1.6])
    back.button(
        ui.t("present_previous"),
        on_click=go_to,
        args=(number - 1,),
        disabled=number == 1,
        icon=":material/arrow_back:",
        shortcut="PageUp",
        help=ui.t("present_previous_help"),
        key="present_previous",
    )
    forward.button(
        ui.t("present_next"),
        on_click=go_to,
        args=(number + 1,),
        disabled=number == total,
        icon=":material/arrow_forward:",
        shortcut="PageDown",
        help=ui.t("present_next_help"),
        key="present_next",
    )
    on = auto.toggle(ui.t("present_auto"), key="present_auto")
    every = seconds.selectbox(
        ui.t("present_seconds"), SECONDS, index=1, key="present_seconds", label_visibility="collapsed", disabled=not on
    )
    if slide.figure is not None or slide.data is not None:
        with export:
            ui.export_menu(f"slide-{number}-{slide.name}", slide.figure, slide.data)
    with leave_column:
        if requested():  # no sidebar in presenter mode: the pack is offered here
            pack_panel(st.container())
            st.button(ui.t("present_exit"), on_click=leave, icon=":material/close_fullscreen:", key="present_exit")
        else:  # the preview page (the sidebar offers the pack): the same slides, full screen
            st.button(ui.t("present_open"), on_click=enter, icon=":material/slideshow:", key="present_enter")
    if on:
        _auto_advance(number, total, every)


def _auto_advance(number: int, total: int, seconds: int) -> None:
    """Move to the next slide (after the last, the first) every `seconds`, by a timed fragment."""

    @st.fragment(run_every=seconds)
    def tick() -> None:
        now = time.monotonic()
        slide, due = st.session_state.get(_DUE, (None, 0.0))
        if slide != number:  # a new slide: start its clock
            st.session_state[_DUE] = (number, now + seconds)
        elif now >= due - 0.5:
            go_to(number % total + 1)
            st.rerun()

    tick()


def pack_panel(where: DeltaGenerator) -> None:
    """Build the PPTX and PDF for the current filters and language, with progress, then offer both."""
    filters, lang = ui.filters(), ui.lang()
    made_from = (ui.store().version, filters, lang)
    if where.button(ui.t("pack_build"), help=ui.t("pack_help"), icon=":material/present_to_all:", key="pack_build"):
        with where.status(ui.t("pack_building"), expanded=True) as status:
            bar = status.progress(0.0)
            started = time.perf_counter()
            try:
                deck = slides.build(ui.query, filters, lang)
                files = pack.build(
                    deck, progress=lambda done, n: bar.progress(done / n, text=ui.t("pack_step", done=done, total=n))
                )
            except formats.ExportError as error:
                status.update(label=ui.t("pack_error", error=str(error)), state="error")
                return
            status.update(
                label=ui.t("pack_done", seconds=f"{time.perf_counter() - started:.0f}"),
                state="complete",
                expanded=False,
            )
        st.session_state[_PACK] = (made_from, files)
    built_from, files = st.session_state.get(_PACK, (None, {}))
    if built_from == made_from:
        for fmt in pack.FORMATS:
            where.download_button(
                ui.t(f"pack_{fmt}"),
                data=files[fmt],
                file_name=f"innovisits-briefing-{lang}.{fmt}",
                mime=formats.MIME[fmt],
                key=f"pack_download_{fmt}",
                on_click="ignore",
                icon=":material/download:",
            )
