"""A small hand-made data set whose every answer was worked out by hand (see the comments), written to a
directory as CSV, Parquet or a mix of both layouts the store reads."""

from __future__ import annotations

import csv
from pathlib import Path

import duckdb

TABLES = {
    "cities": (
        ["city", "name_zh", "lat", "lon"],
        [
            ("Shenzhen", "深圳", 22.54, 114.06),
            ("Guangzhou", "廣州", 23.13, 113.26),
            ("Dongguan", "東莞", 23.02, 113.75),
        ],
    ),
    "departments": (
        ["department_id", "name_en", "name_zh", "kind"],
        [
            ("EMSD", "Electrical and Mechanical Services Department", "機電工程署", "organiser"),
            ("FSD", "Fire Services Department", "消防處", "government"),
            ("HA", "Hospital Authority", "醫院管理局", "public_body"),
            ("HKUST", "The Hong Kong University of Science and Technology", "香港科技大學", "academia"),
        ],
    ),
    "technologies": (
        ["category_id", "name_en", "name_zh"],
        [
            ("robotics", "Robots and robotic arms", "機械人及機械臂"),
            ("smart_pv", "Smart photovoltaic generation", "智能光伏發電"),
            ("iot_data_platforms", "Internet of Things and data platforms", "物聯網及數據平台"),
        ],
    ),
    "visits": (
        ["visit_id", "visit_date", "city", "host", "visit_type", "title", "notes"],
        [
            ("K1", "2019-01-10", "Shenzhen", "Robot maker", "enterprise", "Arms on the line", ""),
            ("K2", "2019-01-20", "Guangzhou", "University hall", "seminar", "GBA seminar", "InnoPortal promoted"),
            ("K3", "2019-02-05", "Shenzhen", "Industrial base", "innovation_base", "Robotics base", ""),
            ("K4", "2019-03-15", "Dongguan", "PV works", "enterprise", "Solar roofs", ""),
        ],
    ),
    # K1: EMSD, FSD, FSD, HA (4) · K2: EMSD, HKUST, HKUST (3) · K3: EMSD, FSD (2) · K4: HA (1) = 10 delegates
    "participants": (
        ["visit_id", "department", "participant_id", "role"],
        [
            ("K1", "EMSD", "001", "leader"),
            ("K1", "FSD", "002", "delegate"),
            ("K1", "FSD", "003", "delegate"),
            ("K1", "HA", "004", "delegate"),
            ("K2", "EMSD", "005", "leader"),
            ("K2", "HKUST", "006", "delegate"),
            ("K2", "HKUST", "007", "delegate"),
            ("K3", "EMSD", "008", "leader"),
            ("K3", "FSD", "009", "delegate"),
            ("K4", "HA", "010", "delegate"),
        ],
    ),
    "visit_technologies": (
        ["visit_id", "category_id", "interest_score"],
        [
            ("K1", "robotics", 5),
            ("K1", "iot_data_platforms", 4),
            ("K2", "iot_data_platforms", 3),
            ("K3", "robotics", 3),
            ("K3", "smart_pv", 4),
            ("K4", "smart_pv", 2),
        ],
    ),
}

LAYOUTS = ("csv", "parquet", "mixed")


def write_csv(path: Path, header: list[str], rows: list[tuple]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        csv.writer(f).writerows([header, *rows])


def write_parquet(path: Path, header: list[str], rows: list[tuple]) -> None:
    """Parquet through DuckDB, via a CSV beside it so the types are DuckDB's own detection."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_suffix(".staging.csv")
    write_csv(staging, header, rows)
    con = duckdb.connect()
    con.read_csv(str(staging), header=True).write_parquet(str(path))
    staging.unlink()


def build(directory: Path, layout: str) -> Path:
    """Write the known data set: all CSV, all Parquet, or mixed (single files, folders of parts, both kinds)."""
    directory.mkdir(parents=True, exist_ok=True)
    for table, (header, rows) in TABLES.items():
        if layout == "csv":
            write_csv(directory / f"{table}.csv", header, rows)
        elif layout == "parquet":
            write_parquet(directory / f"{table}.parquet", header, rows)
        else:  # mixed: each table split across a single file and a folder part, CSV and Parquet alternating
            half = len(rows) // 2
            first, second = (write_csv, write_parquet) if len(table) % 2 else (write_parquet, write_csv)
            ext = {write_csv: "csv", write_parquet: "parquet"}
            first(directory / f"{table}.{ext[first]}", header, rows[:half])
            second(directory / table / f"part-1.{ext[second]}", header, rows[half:])
    return directory


# Later batches, as uploads add them; worked by hand (departments stay 4 and cities 3 throughout):
# K5 (Shenzhen) with EMSD and HA delegates: visits 4 + 1 = 5, delegates 10 + 2 = 12.
# K6 (Guangzhou) with HKUST and FSD: on top of K5, visits 6, delegates 14.
# K7 (Dongguan) with EMSD: on top of K5, visits 6, delegates 13; on top of K5 and K6, visits 7, delegates 15.
BATCH = {
    "visits": [("K5", "2019-04-02", "Shenzhen", "Robot maker", "enterprise", "Return visit", "")],
    "participants": [("K5", "EMSD", "011", "leader"), ("K5", "HA", "012", "delegate")],
}
BATCH_2 = {
    "visits": [("K6", "2019-04-03", "Guangzhou", "University hall", "seminar", "Second seminar", "")],
    "participants": [("K6", "HKUST", "013", "delegate"), ("K6", "FSD", "014", "delegate")],
}
BATCH_3 = {
    "visits": [("K7", "2019-04-04", "Dongguan", "PV works", "enterprise", "Solar follow-up", "")],
    "participants": [("K7", "EMSD", "015", "leader")],
}
WITH_BATCH = {"visits": 5, "delegates": 12, "departments": 4, "cities": 3}
WITH_BATCH_AND_2 = {"visits": 6, "delegates": 14, "departments": 4, "cities": 3}
WITH_BATCH_AND_3 = {"visits": 6, "delegates": 13, "departments": 4, "cities": 3}
WITH_ALL_BATCHES = {"visits": 7, "delegates": 15, "departments": 4, "cities": 3}


def write_batch(directory: Path, batch: dict[str, list[tuple]], name: str) -> list[Path]:
    """Write a batch as `<directory>/<table>/<name>.csv` files, as the store reads them; the files written."""
    paths = [directory / table / f"{name}.csv" for table in batch]
    for path, (table, rows) in zip(paths, batch.items(), strict=True):
        write_csv(path, TABLES[table][0], rows)
    return paths


def add_batch(directory: Path) -> None:
    """Add BATCH to a data directory as part files (beside whatever the directory holds)."""
    write_batch(directory, BATCH, "part-2")
