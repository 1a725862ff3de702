"""Hand-made data for the insight pages, added beside the known data set (tests/known_data.py) without
changing any of its rows, so every answer there still holds.

- FOLLOW_UPS: the follow-up tracker's rows (hand-worked funnels in tests/unit/report/test_insights.py).
- build_dirty: the known data plus files that break each data-quality rule once (see DIRTY)."""

from __future__ import annotations

from pathlib import Path

from tests import known_data

FOLLOW_UP_HEADER = ["category_id", "department", "status", "date", "note"]
# robotics: FSD idea → trial → pilot, EMSD idea, HKUST idea (HKUST was never on a robotics visit).
# smart_pv: HA straight to adopted. iot_data_platforms: HKUST idea.
FOLLOW_UPS = [
    ("robotics", "FSD", "idea", "2019-02-10", "Robot arms for appliance testing"),
    ("robotics", "FSD", "trial", "2019-03-01", ""),
    ("robotics", "FSD", "pilot", "2019-04-01", ""),
    ("robotics", "EMSD", "idea", "2019-02-01", ""),
    ("smart_pv", "HA", "adopted", "2019-05-01", "Roof panels"),
    ("iot_data_platforms", "HKUST", "idea", "2019-01-25", ""),
    ("robotics", "HKUST", "idea", "2019-03-01", "Heard about it elsewhere"),
]

# Extra files for the data-quality checks; the comment on each row says which check it trips.
DIRTY = {
    "visits/part-9.csv": (
        known_data.TABLES["visits"][0],
        [
            ("K1", "2019-01-10", "Shenzhen", "Robot maker", "enterprise", "Arms on the line", ""),  # duplicate id
            ("K9", "2019-05-01", "Atlantis", "Nowhere", "enterprise", "Lost city", ""),  # unknown city, empty visit
        ],
    ),
    "participants/part-9.csv": (
        known_data.TABLES["participants"][0],
        [
            ("K2", "XYZ", "011", "delegate"),  # unknown department
            ("K0", "EMSD", "012", "delegate"),  # no such visit
            ("K1", "EMSD", "001", "leader"),  # the same delegate again
        ],
    ),
    "visit_technologies/part-9.csv": (
        known_data.TABLES["visit_technologies"][0],
        [
            ("K4", "teleport", 3),  # unknown category
            ("K0", "robotics", 2),  # no such visit
            ("K1", "robotics", 1),  # robotics twice on K1
        ],
    ),
    "follow_ups.csv": (
        FOLLOW_UP_HEADER,
        [
            ("robotics", "FSD", "idea", "2019-02-10", "ok"),
            ("robotics", "FSD", "idea", "2019-02-10", "ok"),  # duplicate row
            ("robotics", "NOPE", "trial", "2019-03-01", ""),  # unknown department
            ("quantum", "FSD", "idea", "2019-03-02", ""),  # unknown category
            ("smart_pv", "HA", "launched", "2019-03-03", ""),  # unknown status
        ],
    ),
}


def build(directory: Path, layout: str) -> Path:
    """The known data set with the follow-ups, in the same layout (CSV, Parquet, or split across both)."""
    known_data.build(directory, layout)
    if layout == "csv":
        known_data.write_csv(directory / "follow_ups.csv", FOLLOW_UP_HEADER, FOLLOW_UPS)
    elif layout == "parquet":
        known_data.write_parquet(directory / "follow_ups.parquet", FOLLOW_UP_HEADER, FOLLOW_UPS)
    else:
        half = len(FOLLOW_UPS) // 2
        known_data.write_parquet(directory / "follow_ups.parquet", FOLLOW_UP_HEADER, FOLLOW_UPS[:half])
        known_data.write_csv(directory / "follow_ups" / "part-1.csv", FOLLOW_UP_HEADER, FOLLOW_UPS[half:])
    return directory


def build_dirty(directory: Path) -> Path:
    """The known data (CSV) plus the DIRTY files."""
    known_data.build(directory, "csv")
    for name, (header, rows) in DIRTY.items():
        known_data.write_csv(directory / name, header, rows)
    return directory
