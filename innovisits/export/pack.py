"""The briefing pack: the presenter sequence as a PowerPoint (python-pptx) and a PDF. No Streamlit here.

PPTX: titles, key numbers and notes are real text (East Asian font and language set on every run, so
PowerPoint and LibreOffice pick a CJK font); each chart is a PNG rendered by kaleido at presentation size.
PDF: each slide rendered whole by the same kaleido/Chromium session as a vector PDF page (text stays
selectable and searchable, the CJK glyphs are embedded, so no reader-side fonts are needed), joined with
pypdf. That needs no office suite on the server and draws exactly what the presenter mode and the PNG
exports draw. Chromium's text maps give a glyph that Noto CJK shares between an ideograph and a Kangxi
radical the radical's code point (門 copies as ⾨), so those maps are corrected (`fix_text_maps`)."""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Callable, Iterable

import plotly.graph_objects as go
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pptx.slide import Slide as PptxSlide
from pptx.util import Emu, Inches, Pt
from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, NameObject

from innovisits.export.formats import Render, render, with_subtitle
from innovisits.report import charts
from innovisits.report.slides import Deck, Slide

FORMATS = ("pptx", "pdf")
SLIDE_WIDTH, SLIDE_HEIGHT = Inches(13.333), Inches(7.5)
PAGE = (1920, 1080)  # PDF page and slide image size, layout pixels
CHART_BOX = (Inches(0.5), Inches(1.85), Inches(12.333), Inches(5.2))  # left, top, width, height
LATIN_FONT = "Arial"
# Rendered pages and pictures: Latin text and digits in Liberation Sans (Arial's metrics, fonts-liberation),
# the rest in the charts' CJK fonts. With Noto Sans CJK first, Chromium's PDF text maps leave digits out, so
# "4 Departments" copied as " Departments".
RENDER_FONT = f"Liberation Sans, {charts.FONT}"
# Present on every Windows and Office install; LibreOffice substitutes a CJK font (Noto Sans CJK TC from
# fonts-noto-cjk) for it, helped by the run's zh-TW language tag.
EAST_ASIAN_FONT = "Microsoft JhengHei"
INK, ACCENT, MUTED = RGBColor(0, 0, 0), RGBColor(0x00, 0x45, 0x7C), RGBColor(0x33, 0x33, 0x33)
Progress = Callable[[int, int], None]


def slide_figure(deck: Deck, number: int) -> Render:
    """Slide `number` (1-based) drawn whole: its chart or text, title, key number and footer."""
    slide = deck.slides[number - 1]
    title = slide.title
    if slide.figure is not None:
        body = slide.figure
    elif slide.name == "title":  # the name large and the tagline under it, in the upper middle of the page
        lines = [(slide.title, 96), *((line, 44 if i == 0 else 30) for i, line in enumerate(slide.lines))]
        body, title = charts.text_panel(lines, top=0.8), ""
    else:  # the sources' notes as "heading: text"
        notes = [(f"{heading}: {text}", 26) for heading, text in slide.notes]
        body = charts.text_panel([(line, 30) for line in slide.lines] + notes)
    framed = charts.framed(
        body, title=title, key=slide.key, subtitle=slide.subtitle, footer=deck.footer(number), size=PAGE
    )
    return Render(framed.update_layout(font_family=RENDER_FONT), "pdf", *PAGE)


def slide_chart(slide: Slide) -> go.Figure:
    """A slide's chart as a file of its own (the slide's PNG/SVG export): drawn as the slide, with its title
    and key number, and the filters it was drawn with as the subtitle, so the picture says what it shows."""
    framed = charts.framed(slide.figure, title=slide.title, key=slide.key, subtitle=slide.subtitle, size=PAGE)
    return with_subtitle(framed.update_layout(font_family=RENDER_FONT), slide.filters, size=26)


def chart_image(slide: Slide) -> Render:
    """The chart of a slide at the size of the PPTX picture box."""
    size = (PAGE[0], int(PAGE[0] * CHART_BOX[3] / CHART_BOX[2]))
    return Render(charts.framed(slide.figure, size=size).update_layout(font_family=RENDER_FONT), "png", *size)


def build(deck: Deck, formats: Iterable[str] = FORMATS, progress: Progress | None = None) -> dict[str, bytes]:
    """The pack in each of `formats` ("pptx", "pdf"); `progress(done, total)` after each image."""
    wanted = set(formats)
    charted = [s for s in deck.slides if s.figure is not None and not s.numbers]  # key numbers go in as text
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
    fix_text_maps(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def pptx_bytes(deck: Deck, pictures: dict[str, bytes]) -> bytes:
    """Title slide, one slide per chart (title, key number, picture, subtitle lines), the key numbers as
    text boxes, the sources as headed notes; every word is editable text, every chart a picture."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
    blank = prs.slide_layouts[6]
    for number, slide in enumerate(deck.slides, start=1):
        page = prs.slides.add_slide(blank)
        opening = slide.name == "title"  # the title slide: the name large, in the upper middle of the page
        box = (
            (Inches(0.8), Inches(1.8), Inches(11.7), Inches(1.2))
            if opening
            else (Inches(0.5), Inches(0.3), Inches(9.3), Inches(1.0))
        )
        _text(page, [slide.title], box, 54 if opening else 34, deck.lang, True)
        if slide.key:
            box = (Inches(9.9), Inches(0.3), Inches(2.93), Inches(1.0))
            _text(page, [slide.key], box, 28, deck.lang, True, ACCENT, right=True)
        if slide.subtitle:
            box = (Inches(0.5), Inches(1.2), Inches(12.33), Inches(0.65))
            _text(page, list(slide.subtitle), box, 14, deck.lang, color=MUTED)
        if slide.numbers:
            for i, (value, label) in enumerate(slide.numbers):
                box = (Inches(0.5 + 6.2 * (i % 2)), Inches(1.9 + 2.6 * (i // 2)), Inches(6.0), Inches(2.4))
                _text(page, [value, label], box, 24, deck.lang, sizes=(80, 24), color=ACCENT, center=True)
        elif slide.name in pictures:
            left, top, width, height = CHART_BOX
            page.shapes.add_picture(io.BytesIO(pictures[slide.name]), left, top, width=width, height=height)
        elif opening:
            box = (Inches(0.8), Inches(3.1), Inches(11.7), Inches(3.6))
            _text(page, list(slide.lines), box, 20, deck.lang, sizes=(28,), color=MUTED)
        elif slide.lines:
            box = (Inches(0.5), Inches(1.5), Inches(12.33), Inches(5.4))
            _text(page, list(slide.lines), box, 18, deck.lang)
        if slide.notes:
            box = (Inches(0.5), Inches(1.5), Inches(12.33), Inches(5.4))
            _text(page, [f"{heading}: {text}" for heading, text in slide.notes], box, 16, deck.lang)
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
    sizes: tuple[int, ...] = (),
    center: bool = False,
) -> None:
    """A text box, one paragraph a line (in `sizes[i]` points where given, else `size`), with Latin and East
    Asian fonts and the language on every run."""
    frame = page.shapes.add_textbox(*box).text_frame
    frame.word_wrap = True
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        if right or center:
            paragraph.alignment = PP_ALIGN.RIGHT if right else PP_ALIGN.CENTER
        run = paragraph.add_run()
        run.text = line
        run.font.size = Pt(sizes[i] if i < len(sizes) else size)
        run.font.bold, run.font.name = bold or (bool(sizes) and i == 0), LATIN_FONT
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


# CJK radicals (Kangxi radicals and the supplement): in the text maps, each stands for the ideograph drawn.
_RADICALS = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf]")
_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
_HEX = re.compile(rb"<([0-9A-Fa-f]+)>")


def fix_text_maps(writer: PdfWriter) -> None:
    """Rewrite every font's ToUnicode map so a glyph shared by an ideograph and a CJK radical extracts as
    the ideograph (NFKC of the radical: ⾨ → 門), which is what the page shows and what a reader searches."""
    done: set[int] = set()
    for page in writer.pages:
        fonts = page.get("/Resources", {}).get("/Font", {})
        for reference in fonts.values():
            font = reference.get_object()
            if "/ToUnicode" not in font or id(font["/ToUnicode"].get_object()) in done:
                continue
            stream = font["/ToUnicode"].get_object()
            done.add(id(stream))
            text = stream.get_data()
            mapping = _read_cmap(text)
            if not any(_RADICALS.search(value) for value in mapping.values()):
                continue
            fixed = DecodedStreamObject()
            fixed.set_data(_write_cmap(text, {code: unicodedata.normalize("NFKC", v) if _RADICALS.search(v) else v
                                               for code, v in mapping.items()}))  # fmt: skip
            font[NameObject("/ToUnicode")] = writer._add_object(fixed)


def _read_cmap(text: bytes) -> dict[bytes, str]:
    """Glyph code (hex, as written) -> text, from a CMap's bfchar and bfrange sections."""
    mapping: dict[bytes, str] = {}
    for block in _BFCHAR.findall(text):
        values = _HEX.findall(block)
        for code, value in zip(values[::2], values[1::2], strict=True):
            mapping[code] = bytes.fromhex(value.decode()).decode("utf-16-be")
    for block in _BFRANGE.findall(text):
        for line in block.strip().splitlines():
            parts = _HEX.findall(line)
            if len(parts) < 3:
                continue
            first, last, width = int(parts[0], 16), int(parts[1], 16), len(parts[0])
            targets = parts[2:] if b"[" in line else None
            start = int(parts[2], 16)
            for i, code in enumerate(range(first, last + 1)):
                key = f"{code:0{width}X}".encode()
                if targets:
                    mapping[key] = bytes.fromhex(targets[i].decode()).decode("utf-16-be")
                else:
                    mapping[key] = chr(start + i) if start + i < 0x10000 else ""
    return mapping


def _write_cmap(original: bytes, mapping: dict[bytes, str]) -> bytes:
    """The CMap with its bfchar and bfrange sections replaced by one bfchar entry a glyph."""
    head = original[: min(m.start() for m in (*_BFCHAR.finditer(original), *_BFRANGE.finditer(original)))]
    head = re.sub(rb"\d+\s*$", b"", head)  # the count before the first section
    tail = original[max(m.end() for m in (*_BFCHAR.finditer(original), *_BFRANGE.finditer(original))) :]
    body = []
    items = list(mapping.items())
    for start in range(0, len(items), 100):
        chunk = items[start : start + 100]
        body.append(f"{len(chunk)} beginbfchar\n".encode())
        body += [
            b"<" + code + b"> <" + value.encode("utf-16-be").hex().upper().encode() + b">\n" for code, value in chunk
        ]
        body.append(b"endbfchar\n")
    return head + b"".join(body) + tail.lstrip()
