"""Slides, one at a time. With `?present=1` this is presenter mode: full width, no sidebar, large type, the
filters and language of the URL. Without it, a preview among the other pages, sidebar and all."""

import streamlit as st

from innovisits import ui
from innovisits.report import slides
from innovisits.ui import presenter as ui_present

if ui_present.requested():
    ui_present.style()
ui.load_or_stop()
context = slides.context(ui.query, ui.filters(), ui.lang())
total = len(slides.SEQUENCE)
number = ui_present.current(total)
slide = slides.build_slide(context, slides.SEQUENCE[number - 1])

heading, counter = st.columns([6, 1], vertical_alignment="bottom")
heading.title(slide.title)
counter.header(ui.t("present_counter", number=number, total=total), anchor=False)
if slide.key:
    st.header(ui.plain(slide.key), anchor=False)
for line in slide.subtitle:
    st.subheader(ui.plain(line), anchor=False)
if slide.figure is not None:
    st.plotly_chart(
        slide.figure.update_layout(height=640),
        key=f"present_{slide.name}",
        config={"displayModeBar": False, "staticPlot": True},
        theme=None,  # the figure's own large type and colours, not Streamlit's smaller theme
        alt=slide.title,
    )
for line in slide.lines:
    st.subheader(ui.plain(line), anchor=False)
if context.is_sample and slide.figure is not None:
    st.caption(ui.t("sample_notice"))
ui_present.controls(number, total, slide)
