"""The briefing pack: the presenter sequence as a PowerPoint (python-pptx) and a PDF. No Streamlit here.

PPTX: titles, key numbers and notes are real text (East Asian font and language set on every run, so
PowerPoint and LibreOffice pick a CJK font); each chart is a PNG rendered by kaleido at presentation size.
PDF: each slide rendered whole by the same kaleido/Chromium session as a vector PDF page (text stays
selectable and searchable, the CJK glyphs are embedded, so no reader-side fonts are needed), joined with
pypdf. That needs no office suite on the server and draws exactly what the presenter mode and the PNG
exports draw."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pptx.slide import Slide as PptxSlide
from pptx.util import Emu, Inches, Pt
from pypdf import PdfWriter

from innovisits.export.formats import Render, render
from innovisits.report import charts
from innovisits.report.slides import Deck, Slide

FORMATS = ("pptx", "pdf")
SLIDE_WIDTH, SLIDE_HEIGHT = Inches(13.333), Inches(7.5)
PAGE = (1920, 1080)  # PDF page and slide image size, layout pixels
CHART_BOX = (Inches(0.5), Inches(1.85), Inches(12.333), Inches(5.2))  # left, top, width, height
LATIN_FONT = "Arial"
# Present on every Windows and Office install; LibreOffice substitutes a CJK font (Noto Sans CJK TC from
# fonts-noto-cjk) for it, helped by the run's zh-TW language tag.
EAST_ASIAN_FONT = "Microsoft JhengHei"
INK, ACCENT, MUTED = RGBColor(0, 0, 0), RGBColor(0x00, 0x45, 0x7C), RGBColor(0x33, 0x33, 0x33)
Progress = Callable[[int, int], None]


def slide_figure(deck: Deck, number: int) -> Render:
    """Slide `number` (1-based) drawn whole: its chart or text, title, key number and footer."""
    slide = deck.slides[number - 1]
    body = slide.figure if slide.figure is not None else charts.text_panel([(line, 30) for line in slide.lines])
    framed = charts.framed(
        body, title=slide.title, key=slide.key, subtitle=slide.subtitle, footer=deck.footer(number), size=PAGE
    )
    return Render(framed, "pdf", *PAGE)


def chart_image(slide: Slide) -> Render:
    """The chart of a slide at the size of the PPTX picture box."""
    size = (PAGE[0], int(PAGE[0] * CHART_BOX[3] / CHART_BOX[2]))
    return Render(charts.framed(slide.figure, size=size), "png", *size)


def build(deck: Deck, formats: Iterable[str] = FORMATS, progress: Progress | None = None) -> dict[str, bytes]:
    """The pack in each of `formats` ("pptx", "pdf"); `progress(done, total)` after each image."""
    wanted = set(formats)
    charted = [s for s in deck.slides if s.figure is not None]
    pictures = [chart_image(s) for s in charted] if "pptx" in wanted else []
    pages = [slide_figure(deck, n) for n in range(1, len(deck.slides) + 1)] if "pdf" in wanted else []
    images = render([*pictures, *pages], progress)
    out = {}
    if "pptx" in wanted:
        out["pptx"] = pptx_bytes(deck, dict(zip((s.name for s in charted), images, strict=False)))
    if "pdf" in wanted:
        out["pdf"] = pdf_bytes(images[len(pictures) :])
    return out


def pdf_bytes(pages: list[bytes]) -> bytes:
    writer = PdfWriter()
    for page in pages:
        writer.append(io.BytesIO(page))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pptx_bytes(deck: Deck, pictures: dict[str, bytes]) -> bytes:
    """Title slide, one slide per chart (title, key number, picture, subtitle lines), text slides."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    blank = prs.slide_layouts[6]
    for number, slide in enumerate(deck.slides, start=1):
        page = prs.slides.add_slide(blank)
        title_size = 44 if number == 1 else 34
        _text(page, [slide.title], (Inches(0.5), Inches(0.3), Inches(9.3), Inches(1.0)), title_size, deck.lang, True)
        if slide.key:
            box = (Inches(9.9), Inches(0.3), Inches(2.93), Inches(1.0))
            _text(page, [slide.key], box, 28, deck.lang, True, ACCENT, right=True)
        if slide.subtitle:
            box = (Inches(0.5), Inches(1.2), Inches(12.33), Inches(0.65))
            _text(page, list(slide.subtitle), box, 14, deck.lang, color=MUTED)
        if slide.name in pictures:
            left, top, width, height = CHART_BOX
            page.shapes.add_picture(io.BytesIO(pictures[slide.name]), left, top, width=width, height=height)
        elif slide.lines:
            box = (Inches(0.5), Inches(1.5), Inches(12.33), Inches(5.4))
            _text(page, list(slide.lines), box, 22 if number == 1 else 18, deck.lang)
        footer_box = (Inches(0.5), Inches(7.0), Inches(12.33), Inches(0.4))
        _text(page, [deck.footer(number)], footer_box, 11, deck.lang, color=MUTED)
    buffer = io.BytesIO()
    prs.save(buffer)
    return buffer.getvalue()


def _text(
    page: PptxSlide,
    lines: list[str],
    box: tuple[Emu, Emu, Emu, Emu],
    size: int,
    lang: str,
    bold: bool = False,
    color: RGBColor = INK,
    right: bool = False,
) -> None:
    """A text box, one paragraph a line, with Latin and East Asian fonts and the language on every run."""
    frame = page.shapes.add_textbox(*box).text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        if right:
            paragraph.alignment = PP_ALIGN.RIGHT
        run = paragraph.add_run()
        run.text = line
        run.font.size, run.font.bold, run.font.name = Pt(size), bold, LATIN_FONT
        run.font.color.rgb = color
        properties = run._r.get_or_add_rPr()
        properties.set("lang", "zh-TW" if lang == "zh" else "en-GB")
        properties.set("altLang", "en-GB" if lang == "zh" else "zh-TW")
        east_asian = properties.find(qn("a:ea"))
        if east_asian is None:
            east_asian = properties.makeelement(qn("a:ea"), {})
            latin = properties.find(qn("a:latin"))
            latin.addnext(east_asian)
        east_asian.set("typeface", EAST_ASIAN_FONT)
