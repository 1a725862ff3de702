"""The briefing pack on the known data, opened the way a reader would: python-pptx (slide count, titles,
Chinese labels, East Asian font), pypdf (pages, text), and pdftoppm turning each PDF page into an image
that must not be blank. One pack is built for the module (starting Chromium costs seconds)."""

import io
import subprocess
import sys
import time

import pytest
from PIL import Image
from pptx import Presentation
from pptx.oxml.ns import qn
from pypdf import PdfReader

from innovisits.data.filters import Filters
from innovisits.data.store import Store
from innovisits.export import pack
from innovisits.report import slides
from tests import known_data

pytestmark = pytest.mark.slow
TITLES_ZH = ["InnoVisits 創科考察", "主要數字", "部門參與", "各城市的科技興趣", "最新考察重點", "資料來源及註釋"]


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    directory = known_data.build(tmp_path_factory.mktemp("known") / "data", "csv")
    deck = slides.build(slides.store_query(Store(directory)), Filters(), "zh", source=directory)
    started = time.perf_counter()
    files = pack.build(deck)
    print(f"pack (PPTX + PDF, 10 images): {time.perf_counter() - started:.1f} s")
    return files


def pdf_pages_text(pdf: bytes) -> list[str]:
    """Each page's text as poppler's pdftotext reads it (what copying or searching the PDF finds)."""
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return text.decode("utf-8").split("\f")[:-1]


def test_pptx_slides_titles_and_chinese_text(built):
    prs = Presentation(io.BytesIO(built["pptx"]))
    assert len(prs.slides) == 6
    texts = [[shape.text_frame.text for shape in s.shapes if shape.has_text_frame] for s in prs.slides]
    assert [t[0] for t in texts] == TITLES_ZH
    assert "考察次數：4" in texts[1]
    assert "部門數目：4" in texts[2]
    assert "2019年3月15日 · 東莞 · PV works · Solar roofs\n涵蓋科技：智能光伏發電" in texts[4]
    pictures = [sum(shape.shape_type == 13 for shape in s.shapes) for s in prs.slides]
    assert pictures == [0, 0, 1, 1, 1, 0]  # one chart on each chart slide; the key numbers are text
    run = prs.slides[0].shapes[0].text_frame.paragraphs[0].runs[0]._r
    assert run.rPr.get("lang") == "zh-TW"
    assert run.rPr.find(qn("a:ea")).get("typeface") == pack.EAST_ASIAN_FONT


def test_pptx_chart_pictures_are_charts(built):
    prs = Presentation(io.BytesIO(built["pptx"]))
    picture = next(shape for shape in prs.slides[2].shapes if shape.shape_type == 13)
    image = Image.open(io.BytesIO(picture.image.blob)).convert("L")
    assert image.size == (1920, 809)
    assert sum(image.histogram()[:128]) > 0.02 * image.width * image.height  # dark bars drawn


def test_pdf_pages_and_text(built):
    assert len(PdfReader(io.BytesIO(built["pdf"])).pages) == 6
    texts = pdf_pages_text(built["pdf"])
    for title, text in zip(TITLES_ZH, texts, strict=True):
        assert title in text
    assert "部門數目：4" in texts[2] and "3 / 6" in texts[2]  # digits too (Latin text in Liberation Sans)
    assert "團員人次" in texts[1] and "城市數目" in texts[1]
    assert "機電工程署" in texts[2] and "消防處" in texts[2]
    assert "部門參與" in texts[2] and "部門數目" in texts[2]  # as written: 門, not the radical ⾨
    assert not any("\u2f00" <= char <= "\u2fdf" for text in texts for char in text)
    assert "示例數據" not in "".join(texts)  # the known data is not the bundled sample


def test_pptx_key_numbers_are_editable_text(built):
    slide = Presentation(io.BytesIO(built["pptx"])).slides[1]
    boxes = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
    assert {"4\n考察次數", "10\n團員人次", "4\n部門數目", "3\n城市數目"} <= set(boxes)
    assert not any(shape.shape_type == 13 for shape in slide.shapes)  # no picture of the numbers


def test_pdf_pages_render_and_are_not_blank(built, tmp_path):
    (tmp_path / "pack.pdf").write_bytes(built["pdf"])
    subprocess.run(["pdftoppm", "-r", "24", "-png", "pack.pdf", "page"], cwd=tmp_path, check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == 6
    for path in pages:
        image = Image.open(path).convert("L")
        assert image.width > image.height  # 16:9 slides
        inked = sum(image.histogram()[:160]) / (image.width * image.height)
        assert inked > 0.002, f"{path.name} looks blank"


def test_cli_writes_a_filtered_english_pdf(known_csv_dir, cli_env, tmp_path):
    out = tmp_path / "briefing.pdf"
    result = subprocess.run(
        [sys.executable, "-m", "innovisits", "pack", "--out", str(out), "--city", "Shenzhen", "--lang", "en"],
        capture_output=True,
        text=True,
        env=cli_env(known_csv_dir),
        timeout=180,
    )
    assert result.returncode == 0, result.stderr
    assert "6 slides" in result.stdout
    texts = pdf_pages_text(out.read_bytes())
    assert "Filters: Cities: Shenzhen" in texts[0]
    assert "Key numbers" in texts[1] and "Delegates" in texts[1]


def test_cli_refuses_other_file_types(known_csv_dir, cli_env, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "innovisits", "pack", "--out", str(tmp_path / "x.docx")],
        capture_output=True,
        text=True,
        env=cli_env(known_csv_dir),
        timeout=60,
    )
    assert result.returncode == 2
    assert "must end in .pptx or .pdf" in result.stderr
    assert not (tmp_path / "x.docx").exists()


def test_pptx_with_no_visits_in_view_says_so(known_csv_dir):
    store = Store(known_csv_dir)
    empty = Filters().with_values(cities=["Guangzhou"], kinds=["public_body"])
    prs = Presentation(io.BytesIO(pack.build(slides.build(slides.store_query(store), empty, "en"), ["pptx"])["pptx"]))
    assert len(prs.slides) == 6
    texts = [[shape.text_frame.text for shape in s.shapes if shape.has_text_frame] for s in prs.slides]
    assert all("No visits match these filters." in texts[n] for n in range(1, 5))
    assert not any(shape.shape_type == 13 for s in prs.slides for shape in s.shapes)
