"""Streamlit side of presenter mode and the briefing pack: entering and leaving the mode, the slide number
kept in the URL (`?present=1&slide=3`), the slide drawn on a fixed 16:9 stage, next/previous/auto-advance
controls and the pack's build-and-download panel. The slides themselves come from `report.slides`.

The stage is laid out at 1920×1080 and scaled by CSS (`static/slide.css`) to the window (presenter mode) or
the page's width (the Slides page), so a slide looks the same on a projector and a laptop and nothing is ever
scrolled off: the chart gets the height the text above and below leaves."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from innovisits import ui
from innovisits.data.filters import Filters
from innovisits.export import formats, pack
from innovisits.i18n import formatting
from innovisits.report import slides
from innovisits.ui import briefing

PRESENT_KEY, SLIDE_KEY = "present", "slide"
STATIC = Path(__file__).parent / "static"
SLIDE_STYLE, PRESENTER_STYLE = STATIC / "slide.css", STATIC / "presenter.css"  # constants: st.html gets no data
SECONDS = (10, 20, 30, 60)
STAGE_WIDTH = 1776  # the stage's content width in layout pixels (slide.css: 1920 less the padding)
_DUE = "_present_due"  # (slide number, monotonic time when auto-advance moves on)
_PACK = "_pack_files"  # (what the pack was built from, {format: bytes})


def requested() -> bool:
    """True when the URL asks for presenter mode."""
    return st.query_params.get(PRESENT_KEY, "").lower() in ("1", "true", "yes")


def style() -> None:
    """The stage's rules, and in presenter mode those that hide Streamlit's chrome and the idle controls."""
    st.html(SLIDE_STYLE)
    if requested():
        st.html(PRESENTER_STYLE)


def build(sequence: tuple[slides.SequenceItem, ...], number: int) -> tuple[slides.Slide, bool]:
    """Slide `number` of `sequence` laid out for the stage, and whether the data is the bundled sample."""
    item = sequence[number - 1]
    if isinstance(item, slides.SlideSpec):
        return _default_slide(ui.store().version, ui.filters(), ui.lang(), date.today(), slides.SEQUENCE.index(item))
    context = slides.context(ui.query, ui.filters(), ui.lang())
    return _staged(slides.build_slide(context, item)), context.is_sample


@st.cache_resource(max_entries=64, show_spinner=False)
def _default_slide(version: tuple, filters: Filters, lang: str, today: date, index: int) -> tuple[slides.Slide, bool]:
    """A slide of the default sequence, built once per data version, filters, language and day and shared by
    every session: a slide change built its figure again each time, most of the change's rerun. Nothing
    changes a built slide afterwards."""
    context = slides.context(ui.query, filters, lang, today=today)
    return _staged(slides.build_slide(context, slides.SEQUENCE[index])), context.is_sample


def _staged(slide: slides.Slide) -> slides.Slide:
    if slide.figure is not None:
        slide.figure.update_layout(width=STAGE_WIDTH)
    return slide


def show(slide: slides.Slide, number: int, total: int, sample: bool) -> None:
    """The slide on the stage: title and counter, key number, subtitle lines, then the chart, the key numbers
    as text, the title slide's lines or the sources' notes, and a footer with the slide's filters."""
    with st.container(key=f"slide_stage_{slide.name}" if slide.name in ("title", "sources") else "slide_stage"):
        heading, counter = st.columns([6, 1], vertical_alignment="top")
        heading.title(slide.title, anchor=False)
        counter.header(ui.t("present_counter", number=number, total=total), anchor=False)
        if slide.key:
            st.header(ui.plain(slide.key), anchor=False)
        for line in slide.subtitle:
            st.subheader(ui.plain(line), anchor=False)
        if slide.numbers:
            for row in (slide.numbers[:2], slide.numbers[2:]):
                for column, (value, label) in zip(st.columns(2), row, strict=True):
                    column.metric(label, value)
        elif slide.figure is not None:
            st.plotly_chart(
                slide.figure,
                key=f"present_{slide.name}",
                width=STAGE_WIDTH,
                config={"displayModeBar": False, "staticPlot": True},
                theme=None,  # the figure's own large type and colours, not Streamlit's smaller theme
                alt=slide.title,
            )
        for i, line in enumerate(slide.lines):  # the title slide's first line (its tagline) stands out
            (st.header if slide.name == "title" and i == 0 else st.subheader)(ui.plain(line), anchor=False)
        for label, text in slide.notes:
            left, right = st.columns([1, 4])
            left.markdown(f"**{ui.plain(label)}**")
            right.markdown(ui.plain(text))
        footer = [slide.filters, ui.t("present_sample_short")] if sample else [slide.filters]
        st.caption(ui.plain(" · ".join(part for part in footer if part)))


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
    """Previous / next (Page Up / Page Down, as sent by presentation clickers; the shortcut is written on
    the button, so no tooltip rises over the slide), auto-advance, the slide's exports and the pack, and the
    way out. One row of buttons as wide as their labels, wrapping when the window is narrow; in presenter
    mode a bar at the foot of the window that shows while the pointer is on it (presenter.css)."""
    with st.container(key="present_bar", horizontal=True, vertical_alignment="center", gap="medium"):
        st.button(
            ui.t("present_previous"),
            on_click=go_to,
            args=(number - 1,),
            disabled=number == 1,
            icon=":material/arrow_back:",
            shortcut="PageUp",
            key="present_previous",
        )
        st.button(
            ui.t("present_next"),
            on_click=go_to,
            args=(number + 1,),
            disabled=number == total,
            icon=":material/arrow_forward:",
            shortcut="PageDown",
            key="present_next",
        )
        on = st.toggle(ui.t("present_auto"), key="present_auto")
        every = st.selectbox(
            ui.t("present_seconds"),
            SECONDS,
            index=1,
            key="present_seconds",
            label_visibility="collapsed",
            disabled=not on,
            width=110,
        )
        if slide.figure is not None or slide.data is not None:
            image = pack.slide_chart(slide) if slide.figure is not None else None
            ui.export_menu(f"slide-{number}-{slide.name}", image, slide.data, says_filters=True)
        if requested():  # no sidebar in presenter mode: the pack is offered here
            pack_panel(st.container(width="content"))
            st.button(ui.t("present_exit"), on_click=leave, icon=":material/close_fullscreen:", key="present_exit")
        else:  # the preview page (the sidebar offers the pack): the same slides, full screen
            st.button(ui.t("present_open"), on_click=enter, icon=":material/slideshow:", key="present_enter")
            if chosen := len(briefing.chosen()):
                st.caption(ui.t(f"briefing_chosen_{formatting.plural_form(chosen, ui.lang())}", count=chosen))
            if waiting := briefing.undrawn():
                st.caption(ui.t(f"count_briefing_undrawn_{formatting.plural_form(waiting, ui.lang())}", count=waiting))
            if chosen or waiting:
                st.button(ui.t("briefing_reset"), on_click=briefing.reset, icon=":material/restart_alt:")
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
    filters, lang, chosen = ui.filters(), ui.lang(), briefing.chosen()
    made_from = (ui.store().version, filters, lang, tuple((c.key, c.title, c.filters) for c in chosen))
    if where.button(ui.t("pack_build"), help=ui.t("pack_help"), icon=":material/present_to_all:", key="pack_build"):
        with where.status(ui.t("pack_building"), expanded=True) as status:
            bar = status.progress(0.0)
            started = time.perf_counter()
            try:
                deck = slides.build(ui.query, filters, lang, chosen=chosen)
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
