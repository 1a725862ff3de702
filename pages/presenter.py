"""Slides, one at a time, on a 16:9 stage. With `?present=1` this is presenter mode: the stage fills the window,
no sidebar, controls in a bar that shows on hover; the filters and language of the URL. Without it, a preview
among the other pages, sidebar and all. The charts chosen with "Add to briefing" replace the default slides."""

from innovisits import ui
from innovisits.report import slides
from innovisits.ui import briefing
from innovisits.ui import presenter as ui_present

ui_present.style()
ui.load_or_stop()
sequence = slides.sequence(briefing.chosen())
number = ui_present.current(len(sequence))
slide, sample = ui_present.build(sequence, number)

ui_present.show(slide, number, len(sequence), sample)
ui_present.controls(number, len(sequence), slide)
