"""The app's own tables go back in: a staff member exports the Explorer's visit list (CSV in English, Excel in
繁體中文) from its Export menu, adds a visit in the spreadsheet as a person would (a copy of a row, with a new
id, date and title, the type and city left as the page wrote them), uploads it and stores it. The known data
holds K1-K4; each language adds one visit."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from argon2 import PasswordHasher
from playwright.sync_api import Page, expect

from innovisits import i18n
from innovisits.data.store import Store
from tests import known_data
from tests.browser import kit

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
PASSWORD = "a long test passphrase"  # a dummy account that exists only in this test's temporary secrets file
STORED = {"en": "The dashboard shows it now.", "zh": "儀表板現已顯示。"}  # the end of upload_stored


@pytest.fixture(scope="module")
def staff(tmp_path_factory) -> Iterator[tuple[kit.Server, Path]]:
    root = tmp_path_factory.mktemp("round_trip")
    directory = known_data.build(root / "data", "mixed")
    secrets = root / "secrets.toml"
    secrets.write_text(f'[staff.accounts]\ntester = "{PasswordHasher().hash(PASSWORD)}"\n', encoding="utf-8")
    log = kit.ARTIFACTS / "logs" / "test_round_trip.log"
    with kit.serve(directory, log, options=("--secrets.files", str(secrets))) as server:
        yield server, directory


def nav(page: Page, lang: str, key: str) -> None:
    title = i18n.t(key, lang)
    kit.sidebar(page).get_by_role("link", name=title).click()
    expect(page.locator("h1").first).to_have_text(title)
    kit.wait_for_run(page)


def sign_in(page: Page, url: str, lang: str) -> None:
    kit.open_page(page, url, query=f"lang={lang}")
    nav(page, lang, "page_sign_in")
    page.get_by_role("textbox", name=i18n.t("auth_user", lang)).fill("tester")
    page.get_by_role("textbox", name=i18n.t("auth_password", lang)).fill(PASSWORD)
    page.get_by_role("button", name=i18n.t("auth_sign_in", lang), exact=True).click()
    expect(page.get_by_text(i18n.t("auth_signed_in_as", lang, user="tester"))).to_be_visible()
    kit.wait_for_run(page)


def export(page: Page, url: str, lang: str, fmt: str, folder: Path) -> Path:
    """The Explorer's visit list downloaded from its Export menu (a viewer's page: no sign-in needed)."""
    kit.open_page(page, url, "explorer", query=f"lang={lang}")
    page.locator(".st-key-explorer_visits_export").get_by_role("button").first.click()
    with page.expect_download() as download:
        page.get_by_role("button", name=i18n.t(f"export_{fmt}", lang)).first.click()
    path = folder / download.value.suggested_filename
    download.value.save_as(path)
    page.keyboard.press("Escape")
    return path


def add_csv_row(path: Path, values: dict[str, str]) -> None:
    """A copy of the first row with some values changed, saved as Excel saves CSV UTF-8 (BOM, CRLF)."""
    rows = list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    added = {**dict(zip(rows[0], rows[1], strict=True)), **values}
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([*rows, [added[h] for h in rows[0]]])
    path.write_bytes(out.getvalue().encode("utf-8-sig"))


def add_xlsx_row(path: Path, values: dict[str, str]) -> None:
    """The same in the workbook (a date typed over the date cell as text, as a person does)."""
    book = openpyxl.load_workbook(path)
    sheet = book.active
    header = [c.value for c in sheet[1]]
    first = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    sheet.append([{**first, **values}[h] for h in header])
    book.save(path)


def headers(path: Path) -> list[str]:
    if path.suffix == ".csv":
        return next(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))
    return [c.value for c in openpyxl.load_workbook(path).active[1]]


def upload(page: Page, lang: str, path: Path) -> None:
    nav(page, lang, "page_upload")
    with page.expect_file_chooser() as chooser:
        page.get_by_test_id("stFileUploaderDropzone").get_by_role("button", name="Upload", exact=True).click()
    chooser.value.set_files(str(path))
    kit.wait_for_run(page)
    confirm = page.get_by_role("button", name=i18n.t("upload_confirm", lang))
    expect(confirm).to_be_visible()
    confirm.click()
    expect(page.get_by_text(STORED[lang])).to_be_visible(timeout=kit.RUN_TIMEOUT_MS)
    kit.wait_for_run(page)


@pytest.mark.parametrize(
    ("lang", "fmt", "visit_id", "title"),
    [("en", "csv", "K8", "Robot arms, again"), ("zh", "xlsx", "K9", "機械臂再訪")],
)
def test_an_exported_visit_list_edited_uploads_again(page: Page, staff, tmp_path: Path, lang, fmt, visit_id, title):
    server, directory = staff
    exported = export(page, server.url, lang, fmt, tmp_path)
    sign_in(page, server.url, lang)
    named = {k: i18n.t(f"col_{k}", lang) for k in ("visit_id", "visit_date", "city", "host_en", "visit_type")}
    assert headers(exported)[:6] == [*list(named.values())[:4], i18n.t("col_host_zh", lang), named["visit_type"]]
    title_header = i18n.t("col_title_en", lang)
    add = add_csv_row if fmt == "csv" else add_xlsx_row
    add(exported, {named["visit_id"]: visit_id, named["visit_date"]: "2019-06-01", title_header: title})
    upload(page, lang, exported)
    stored = Store(directory).records("visit", visit_id=visit_id)
    assert [(str(r["visit_date"]), r["city"], r["visit_type"], r["title"]) for r in stored] == [
        ("2019-06-01", "Dongguan", "enterprise", title)
    ]


def test_a_refused_file_is_explained_wholly_in_chinese_and_readable(page: Page, staff, tmp_path: Path):
    """The reasons are long (they list the accepted columns): each wraps inside its cell, none is cut off."""
    server, _ = staff
    sign_in(page, server.url, "zh")
    bad = tmp_path / "壞.csv"
    bad.write_bytes("考察,日期,城市,負責人\nK7,2019-06-01,深圳,陳先生\n".encode("utf-8-sig"))
    nav(page, "zh", "page_upload")
    with page.expect_file_chooser() as chooser:
        page.get_by_test_id("stFileUploaderDropzone").get_by_role("button", name="Upload", exact=True).click()
    chooser.value.set_files(str(bad))
    kit.wait_for_run(page)
    reason = page.get_by_test_id("stTable").get_by_role("cell").filter(has_text="不是考察檔案的欄位")
    expect(reason).to_contain_text("可用欄位：考察、日期、城市、接待機構、類型、主題、備註")
    box = reason.bounding_box()
    table = page.get_by_test_id("stTable").bounding_box()
    assert box["x"] + box["width"] <= table["x"] + table["width"] + 1  # inside the table, not cut at its edge
    assert reason.evaluate("cell => cell.scrollWidth <= cell.clientWidth")
    assert box["height"] > 30  # wrapped over several lines
