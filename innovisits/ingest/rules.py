"""What staff can upload, declared in one place. Column names, types and which columns are required come
from the data model (`queries/setup/schema.sql` via `store.schema()`); this file adds what the data model
cannot say: the header names people use, which columns name a city, department or category, allowed
values and ranges, row identity, and which table a column points into.

To make a new table ingestible: declare it in `queries/setup/schema.sql` (and `store.TABLES`), add one
`TableRule` to `TABLES` below, and an `upload_kind_<table>` label to `locales/upload.toml`. Recognition,
validation, templates, preview, storage, undo and history follow from it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from innovisits.data.store import Column, schema

CITY, DEPARTMENT, CATEGORY = "city", "department", "category"


@dataclass(frozen=True)
class TableRule:
    table: str
    headers: Mapping[str, tuple[str, ...]] = field(
        default_factory=dict
    )  # column -> other header names people write (en, zh)
    resolves: Mapping[str, str] = field(
        default_factory=dict
    )  # column -> CITY / DEPARTMENT / CATEGORY (names, codes, aliases)
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # column -> allowed values
    labels: Mapping[str, str] = field(default_factory=dict)  # choice column -> locale prefix of its labels
    shown: Mapping[str, tuple[str, ...]] = field(
        default_factory=dict
    )  # column -> locale keys of the headers the app shows it under besides `col_<column>` (accepted too)
    derived: tuple[str, ...] = ()  # locale keys of columns the app adds when it shows this table (ignored)
    ranges: Mapping[str, tuple[int, int]] = field(default_factory=dict)  # integer column -> (lowest, highest) allowed
    key: tuple[str, ...] = ()  # unique: a stored row with this key must be identical, else it is a conflict
    parents: Mapping[str, str] = field(
        default_factory=dict
    )  # column -> table whose key must hold the value (upload or store)
    example: tuple[Mapping[str, str], ...] = field(default=())  # filled example rows for the template page

    def columns(self) -> tuple[Column, ...]:
        return schema()[self.table]


VISITS = TableRule(
    "visits",
    headers={
        "visit_id": ("visit", "visit no", "visit code", "考察編號", "編號"),
        "visit_date": ("date", "visit date", "考察日期", "日期"),
        "city": ("城市", "地點"),
        "host": ("host organisation", "接待單位", "考察單位"),
        "visit_type": ("type", "visit type", "考察類型", "類型"),
        "title": ("topic", "主題", "標題"),
        "notes": ("note", "remarks", "備註"),
    },
    resolves={"city": CITY},
    choices={"visit_type": ("enterprise", "innovation_base", "seminar")},
    labels={"visit_type": "type"},  # "Enterprise" / "企業" (type_enterprise) are accepted too
    shown={"host": ("col_host_en",), "title": ("col_title_en",), "notes": ("col_notes_en",)},  # beside host_zh...
    derived=("col_delegates", "col_departments"),  # the Explorer's visit list counts each visit's delegation
    key=("visit_id",),
    example=(
        {
            "visit_id": "GBA-2026-01",
            "visit_date": "2026-03-14",
            "city": "Shenzhen",
            "host": "Smart lamp maker",
            "visit_type": "enterprise",
            "title": "Smart street lamps",
            "notes": "",
            "host_zh": "智慧燈柱廠",
            "title_zh": "智慧燈柱",
            "notes_zh": "",
        },
    ),
)

PARTICIPANTS = TableRule(
    "participants",
    headers={
        "visit_id": VISITS.headers["visit_id"],
        "department": ("department id", "dept", "部門", "單位"),
        "participant_id": ("participant", "delegate", "delegate id", "團員編號"),
        "role": ("角色", "職務"),
    },
    resolves={"department": DEPARTMENT},
    choices={"role": ("leader", "delegate")},
    labels={"role": "upload_role"},  # 團長 / 團員 accepted too
    parents={"visit_id": "visits"},
    example=(
        {"visit_id": "GBA-2026-01", "department": "EMSD", "participant_id": "", "role": "leader"},
        {"visit_id": "GBA-2026-01", "department": "FEHD", "participant_id": "", "role": "delegate"},
    ),
)

VISIT_TECHNOLOGIES = TableRule(
    "visit_technologies",
    headers={
        "visit_id": VISITS.headers["visit_id"],
        "category_id": ("category", "technology", "technology category", "科技類別", "類別"),
        "interest_score": ("score", "interest", "興趣評分", "評分"),
    },
    resolves={"category_id": CATEGORY},
    ranges={"interest_score": (1, 5)},
    shown={"category_id": ("col_category",)},
    key=("visit_id", "category_id"),
    parents={"visit_id": "visits"},
    example=({"visit_id": "GBA-2026-01", "category_id": "smart_street_lamps", "interest_score": "4"},),
)

FOLLOW_UPS = TableRule(
    "follow_ups",
    headers={
        "category_id": VISIT_TECHNOLOGIES.headers["category_id"],
        "department": PARTICIPANTS.headers["department"],
        "status": ("stage", "階段", "狀態", "進度"),
        "date": ("follow-up date", "跟進日期", "日期"),
        "note": ("notes", "remarks", "備註"),
    },
    resolves={"category_id": CATEGORY, "department": DEPARTMENT},
    choices={"status": ("idea", "trial", "pilot", "adopted")},  # = follow_up_statuses() in schema.sql
    labels={"status": "followup_status"},
    shown={
        "category_id": ("col_category",),
        "date": ("col_follow_up_date",),
        "status": ("col_follow_up_status",),
        "note": ("col_follow_up_note",),
    },
    derived=("col_is_exposed",),
    key=("category_id", "department", "status", "date"),
    example=(
        {
            "category_id": "robotics",
            "department": "FSD",
            "status": "idea",
            "date": "2026-04-01",
            "note": "Arms for inspection",
        },
    ),
)

TABLES: dict[str, TableRule] = {rule.table: rule for rule in (VISITS, PARTICIPANTS, VISIT_TECHNOLOGIES, FOLLOW_UPS)}
# The reference tables' row identity: staff add rows and rename them by key (`ingest.reference`).
REFERENCE_KEYS: dict[str, tuple[str, ...]] = {
    "cities": ("city",),
    "departments": ("department_id",),
    "technologies": ("category_id",),
}


def key_of(table: str) -> tuple[str, ...]:
    """The columns identifying a row of any stored table (none for participants: rows are counted)."""
    return TABLES[table].key if table in TABLES else REFERENCE_KEYS.get(table, ())


@dataclass(frozen=True)
class ReportRule:
    """The visit report: one row per delegate, the visit's fields repeated on each row, and the categories
    seen listed in one column. It is split into the `parts` tables plus one row per listed item."""

    name: str
    parts: tuple[str, ...]  # each row carries these tables' columns (shared columns such as visit_id once)
    lists: Mapping[str, tuple[str, str]]  # report column -> (table, column) it fills, one row per item
    headers: Mapping[str, tuple[str, ...]]  # header names of the list columns
    separators: str = ";；"

    def columns(self) -> list[str]:
        seen = dict.fromkeys(c.name for part in self.parts for c in TABLES[part].columns())
        return [*seen, *self.lists]


REPORT = ReportRule(
    "visit_report",
    parts=("visits", "participants"),
    lists={"categories": ("visit_technologies", "category_id")},
    headers={"categories": ("categories seen", "technology categories", "科技類別", "所見科技")},
)
REPORT_EXAMPLE = tuple(
    {**VISITS.example[0], **delegate, "categories": "smart_street_lamps; 物聯網及數據平台"}
    for delegate in PARTICIPANTS.example
)
