"""Upload files for the ingest tests, built on the known data set (tests/known_data.py): one new visit K5
in Shenzhen on 2019-03-14 with three delegates (EMSD leader, FSD, HA) who saw robotics and smart_pv.

Hand-worked effect on the Overview (known data: 4 visits, 10 delegates, 4 departments, 3 cities, 3
categories): visits 4 -> 5, delegates 10 -> 13, departments stay 4 (EMSD, FSD, HA all known), cities stay
3 (Shenzhen already visited), categories stay 3."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from innovisits.data.store import connect
from innovisits.ingest import reading

BEFORE = {"visits": 4, "delegates": 10, "departments": 4, "cities": 3, "categories": 3}
AFTER = {"visits": 5, "delegates": 13, "departments": 4, "cities": 3, "categories": 3}
ADDED = {"visits": 1, "participants": 3, "visit_technologies": 2}

_VISIT = 'K5,{date},{city},Lamp works,{kind},"Lamps, poles","first line\nsecond line"'
_EN = _VISIT.format(date="2019-03-14", city="Shenzhen", kind="enterprise")
_ZH = _VISIT.format(date="2019年3月14日", city="深圳市", kind="企業")
REPORT = (
    "visit_id,visit_date,city,host,visit_type,title,notes,department,role,categories\n"
    f"{_EN},EMSD,leader,robotics; smart_pv\n"
    f"{_EN},FSD,delegate,robotics\n"
    f"{_EN},HA,delegate,\n"
)
# The same report as Excel in Hong Kong saves it: Chinese headers and names, Chinese dates, CRLF, Big5.
REPORT_ZH = (
    "考察編號,考察日期,城市,接待單位,考察類型,主題,備註,部門,角色,科技類別\r\n"
    f"{_ZH},機電署,leader,機械人及機械臂；智能光伏發電\r\n"
    f"{_ZH},消防處,團員,機械人及機械臂\r\n"
    f"{_ZH},醫院管理局,delegate,\r\n"
)
VISITS = (
    "visit_id,visit_date,city,host,visit_type,title,notes\n"
    + _VISIT.format(date="14/3/2019", city="SHENZHEN", kind="Enterprise")
    + "\n"
)
PARTICIPANTS = "Visit ID,Department\nK5,emsd\nK5,Fire Services Department\nK5,醫院管理局\n"
VISIT_TECHNOLOGIES = "visit id , CATEGORY ID,interest score\nK5,robotics,\nK5,Smart photovoltaic generation,\n"

EXPECTED_VISIT = ("K5", "2019-03-14", "Shenzhen", "Lamp works", "enterprise", "Lamps, poles", "first line\nsecond line")


def report_big5() -> bytes:
    return REPORT_ZH.encode("cp950")


def write(directory: Path, name: str, content: str | bytes) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def tree_hash(directory: Path) -> str:
    """Every file's path and bytes and every folder's path, bookkeeping (`.innovisits/`) aside."""
    digest = hashlib.sha256()
    for path in sorted(directory.rglob("*")):
        relative = path.relative_to(directory)
        if relative.parts[0] == ".innovisits":
            continue
        digest.update(str(relative).encode() + (b"/" if path.is_dir() else b""))
        if path.is_file():
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


@dataclass(frozen=True)
class Table:
    headers: list[str]  # as written in the file
    rows: pd.DataFrame  # text values (None when empty), index = the row number a spreadsheet shows
    encoding: str


def read(data: bytes) -> Table:
    """A file as the ingest reads it (`reading.load`), as a DataFrame to look at in tests."""
    loaded = reading.load(connect(), data, "upload")
    rows = loaded.relation.order("_row").df().set_index("_row")
    rows.columns = loaded.headers
    rows = rows.astype(object).where(rows.notna(), None)
    rows.index.name = None
    return Table(loaded.headers, rows, loaded.encoding)
