"""Known answers through the query layer, on CSV-only, Parquet-only and mixed data directories."""

from datetime import date

import pytest

from innovisits.data.filters import Filters
from innovisits.data.store import SUMMARY_KEYS, DataError, Store
from tests import known_data

# (filters, expected visits, delegates, departments, cities, categories) — worked out by hand from known_data.
SUMMARIES = [
    (Filters(), (4, 10, 4, 3, 3)),
    (Filters(cities=("Shenzhen",)), (2, 6, 3, 1, 3)),
    (Filters(date_from=date(2019, 1, 15), date_to=date(2019, 2, 28)), (2, 5, 3, 2, 3)),
    (Filters(departments=("FSD",)), (2, 3, 1, 1, 3)),
    (Filters(kinds=("public_body",)), (2, 2, 1, 2, 3)),
    (Filters(categories=("robotics",)), (2, 6, 3, 1, 1)),
    (Filters(categories=("smart_pv",), cities=("Dongguan",)), (1, 1, 1, 1, 1)),
    (Filters(cities=("Zhuhai",)), (0, 0, 0, 0, 0)),
    # Date ranges read whole months from monthly totals and the other days from daily rows: a whole month, part
    # of one month, parts of two around a whole one, open ends, with and without a category filter.
    (Filters(date_from=date(2019, 2, 1), date_to=date(2019, 2, 28)), (1, 2, 2, 1, 2)),
    (Filters(date_from=date(2019, 1, 15), date_to=date(2019, 1, 31)), (1, 3, 2, 1, 1)),
    (Filters(date_from=date(2019, 1, 11), date_to=date(2019, 3, 15)), (3, 6, 4, 3, 3)),
    (Filters(date_to=date(2019, 2, 5)), (3, 9, 4, 2, 3)),
    (Filters(categories=("robotics",), date_from=date(2019, 1, 10), date_to=date(2019, 2, 4)), (1, 4, 3, 1, 1)),
    (Filters(categories=("smart_pv",), date_from=date(2019, 2, 1)), (2, 3, 3, 2, 1)),
]


@pytest.mark.parametrize(("filters", "expected"), SUMMARIES)
def test_summary_known_answers(known_dir, filters, expected):
    row = Store(known_dir).records("summary", filters)[0]
    assert tuple(row[k] for k in SUMMARY_KEYS) == expected


def test_date_span(known_dir):
    row = Store(known_dir).records("summary")[0]
    assert (row["first_visit_date"], row["last_visit_date"]) == (date(2019, 1, 10), date(2019, 3, 15))


def test_delegates_by_department(known_dir):
    rows = Store(known_dir).records("delegates_by_department")
    assert [(r["department"], r["delegates"], r["visits"], r["kind"]) for r in rows] == [
        ("EMSD", 3, 3, "organiser"),
        ("FSD", 3, 2, "government"),
        ("HA", 2, 2, "public_body"),
        ("HKUST", 2, 1, "academia"),
    ]
    assert rows[1]["department_zh"] == "消防處"


def test_delegates_by_kind(known_dir):
    rows = Store(known_dir).records("delegates_by_kind")
    assert [(r["kind"], r["delegates"], r["visits"]) for r in rows] == [
        ("government", 3, 2),
        ("organiser", 3, 3),
        ("academia", 2, 1),
        ("public_body", 2, 2),
    ]


def test_delegates_by_kind_with_departments_on_the_shared_mask_bit(tmp_path):
    """128 departments: keys 127 and 128 share the last bit of a visit's mask, so a visit counts for a kind only
    when one of its departments on that bit is of the kind. D001–D126 (government) one each on V0; V1: D127
    (academia) ×2 and D001; V2: D128 (trade)."""
    tables = dict(known_data.TABLES)
    codes = [f"D{i:03}" for i in range(1, 129)]
    kinds = {"D127": "academia", "D128": "trade"}
    tables["departments"] = (tables["departments"][0], [(c, c, c, kinds.get(c, "government")) for c in codes])
    tables["visits"] = (
        tables["visits"][0],
        [(f"V{i}", f"2019-01-0{i + 1}", "Shenzhen", "Host", "enterprise", "Visit", "") for i in range(3)],
    )
    tables["participants"] = (
        tables["participants"][0],
        [("V0", c, c, "delegate") for c in codes[:126]]
        + [("V1", "D127", "a", "delegate"), ("V1", "D127", "b", "delegate"), ("V1", "D001", "c", "delegate")]
        + [("V2", "D128", "d", "delegate")],
    )
    tables["visit_technologies"] = (tables["visit_technologies"][0], [(f"V{i}", "robotics", 3) for i in range(3)])
    for table, (header, rows) in tables.items():
        known_data.write_csv(tmp_path / f"{table}.csv", header, rows)
    store = Store(tmp_path, in_memory=True)

    def by_kind(filters: Filters) -> list[tuple]:
        rows = store.records("delegates_by_kind", filters)
        return [(r["kind"], r["delegates"], r["visits"], r["departments"]) for r in rows]

    assert by_kind(Filters()) == [("government", 127, 2, 126), ("academia", 2, 1, 1), ("trade", 1, 1, 1)]
    assert by_kind(Filters(kinds=("trade",))) == [("trade", 1, 1, 1)]
    assert by_kind(Filters(departments=("D127", "D002"))) == [("academia", 2, 1, 1), ("government", 1, 1, 1)]


def test_visits_by_month(known_dir):
    rows = Store(known_dir).records("visits_by_month")
    assert [(r["month"], r["visits"], r["delegates"]) for r in rows] == [
        (date(2019, 1, 1), 2, 7),
        (date(2019, 2, 1), 1, 2),
        (date(2019, 3, 1), 1, 1),
    ]


def test_visits_by_month_counts_an_empty_month_as_zero(known_dir):
    """HA was on K1 (January) and K4 (March): February is there, with no visits (a line must not bridge it)."""
    rows = Store(known_dir).records("visits_by_month", Filters(departments=("HA",)))
    assert [(r["month"], r["visits"], r["delegates"]) for r in rows] == [
        (date(2019, 1, 1), 1, 1),
        (date(2019, 2, 1), 0, 0),
        (date(2019, 3, 1), 1, 1),
    ]


def test_delegates_by_kind_month_has_every_month_and_kind(known_dir):
    """HA (public body) on K1 and K4, HKUST (academia) on K2 in January: a row per month and kind, zeros kept."""
    rows = Store(known_dir).records("delegates_by_kind_month", Filters(departments=("HA", "HKUST")))
    assert [(r["month"].month, r["kind"], r["delegates"]) for r in rows] == [
        (1, "academia", 2),
        (1, "public_body", 1),
        (2, "academia", 0),
        (2, "public_body", 0),
        (3, "academia", 0),
        (3, "public_body", 1),
    ]


def test_trends_by_quarter_has_every_quarter(known_dir):
    """Jan–Mar 2019 is one quarter; HA alone in it is two visits."""
    rows = Store(known_dir).records("trends", Filters(departments=("HA",)), granularity="quarter")
    assert [(r["period"], r["visits"]) for r in rows] == [(date(2019, 1, 1), 2)]
    rows = Store(known_dir).records("trends", Filters(departments=("HA",)), granularity="month")
    assert [(r["period"].month, r["visits"]) for r in rows] == [(1, 1), (2, 0), (3, 1)]


def test_visits_by_category(known_dir):
    rows = Store(known_dir).records("visits_by_category")
    assert [(r["category_id"], r["visits"], r["delegates_exposed"], r["mean_interest_score"]) for r in rows] == [
        ("iot_data_platforms", 2, 7, 3.5),
        ("robotics", 2, 6, 4.0),
        ("smart_pv", 2, 3, 3.0),
    ]


def test_interest_by_city_category(known_dir):
    rows = Store(known_dir).records("interest_by_city_category")
    got = {(r["city"], r["category_id"]): (r["visits"], r["delegates_exposed"], r["mean_interest_score"]) for r in rows}
    assert got == {
        ("Shenzhen", "robotics"): (2, 6, 4.0),
        ("Shenzhen", "iot_data_platforms"): (1, 4, 4.0),
        ("Shenzhen", "smart_pv"): (1, 2, 4.0),
        ("Guangzhou", "iot_data_platforms"): (1, 3, 3.0),
        ("Dongguan", "smart_pv"): (1, 1, 2.0),
    }


def test_department_filter_restricts_delegates_to_that_department(known_dir):
    rows = Store(known_dir).records("delegates_by_department_city", Filters(departments=("FSD",)))
    assert [(r["department"], r["city"], r["delegates"], r["visits"]) for r in rows] == [("FSD", "Shenzhen", 3, 2)]


def test_visit_list_search_and_limit(known_dir):
    store = Store(known_dir)
    found = store.records("visit_list", search="ROBOT", limit=10)
    assert [(r["visit_id"], r["delegates"], r["departments"]) for r in found] == [("K3", 2, 2), ("K1", 4, 3)]
    assert [r["visit_id"] for r in store.records("visit_list", search=None, limit=2)] == ["K4", "K3"]
    assert [r["visit_id"] for r in store.records("visit_list", search="深圳", limit=10)] == ["K3", "K1"]


def test_visit_detail(known_dir):
    store = Store(known_dir)
    assert [(r["department"], r["delegates"]) for r in store.records("visit_delegation", visit_id="K1")] == [
        ("FSD", 2),
        ("EMSD", 1),
        ("HA", 1),
    ]
    assert [(r["category_id"], r["interest_score"]) for r in store.records("visit_categories", visit_id="K1")] == [
        ("robotics", 5),
        ("iot_data_platforms", 4),
    ]
    assert store.records("visit", visit_id="K2")[0]["city_zh"] == "廣州"


def test_codes_keep_leading_zeros(known_dir):
    """CSV columns are read as text, so a participant id "001" stays "001"."""
    ids = Store(known_dir).con.table("participants").order("participant_id").fetchall()
    assert ids[0][2] == "001"


def test_empty_directory_has_no_data_and_no_error(tmp_path):
    store = Store(tmp_path)
    assert tuple(store.records("summary")[0][k] for k in SUMMARY_KEYS) == (0, 0, 0, 0, 0)
    assert store.records("visit_list", search=None, limit=5) == []


def test_missing_optional_columns_are_null(tmp_path):
    (tmp_path / "participants.csv").write_text("visit_id,department\nX1,FSD\n", encoding="utf-8")
    row = Store(tmp_path).con.table("participants").fetchall()[0]
    assert row == ("X1", "FSD", None, None)


def test_unreadable_file_names_the_file(tmp_path):
    (tmp_path / "visits.csv").write_text("visit_id,visit_date,city\nX1,not a date,Shenzhen\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"visits\.csv"):
        Store(tmp_path)


def test_missing_required_column_is_named(tmp_path):
    (tmp_path / "visits.csv").write_text("visit_id,city\nX1,Shenzhen\n", encoding="utf-8")
    with pytest.raises(DataError, match="visit_date"):
        Store(tmp_path)


def test_corrupt_parquet_names_the_file(tmp_path):
    (tmp_path / "visits").mkdir()
    (tmp_path / "visits" / "part-9.parquet").write_bytes(b"PAR1 not really")
    with pytest.raises(DataError, match=r"part-9\.parquet"):
        Store(tmp_path)


def test_sample_data_covers_the_seed():
    """The bundled sample: the seed's three cities, nine categories, its departments, and seminars."""
    from innovisits.data.config import SAMPLE_DATA_DIR

    store = Store(SAMPLE_DATA_DIR)
    counts = store.row_counts()
    assert counts["technologies"] == 9
    assert counts["cities"] == 11
    assert counts["departments"] == 20
    visited = {r["city"] for r in store.records("filter_cities") if r["visits"]}
    assert visited == {"Shenzhen", "Guangzhou", "Dongguan"}
    assert store.records("summary", Filters())[0]["categories"] == 9
    assert {r["visit_type"] for r in store.records("visit_list", search="seminar", limit=50)} == {"seminar"}
