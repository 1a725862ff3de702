"""Known answers for the insight queries (affinity, follow-ups, map, trends, data quality), worked out by
hand from tests/known_data.py and tests/insights_data.py, on CSV-only, Parquet-only and mixed layouts."""

import os
from datetime import UTC, date, datetime

import pytest

from innovisits.data.filters import Filters
from innovisits.data.store import Store
from innovisits.report import charts, insights, quality
from tests import insights_data, known_data


@pytest.fixture(scope="module", params=known_data.LAYOUTS)
def store(request, tmp_path_factory) -> Store:
    """One store a layout for the whole module: the queries only read it."""
    return Store(insights_data.build(tmp_path_factory.mktemp(request.param) / "data", request.param))


@pytest.fixture(scope="module")
def dirty(tmp_path_factory) -> Store:
    return Store(insights_data.build_dirty(tmp_path_factory.mktemp("dirty") / "data"))


def affinity(store: Store, filters: Filters | None = None, support: int = 3) -> dict:
    rows = store.records("affinity", filters, min_support=support, min_lift=insights.MIN_LIFT)
    return {
        (r["department"], r["category_id"]): (r["delegates_exposed"], r["exposure_share"], r["lift"], r["is_unusual"])
        for r in rows
    }


# Delegates: EMSD 3, FSD 3, HA 2, HKUST 2 (10). Robotics (K1, K3): EMSD 2, FSD 3, HA 1 = 6 → 0.6 overall;
# IoT (K1, K2): EMSD 2, FSD 2, HA 1, HKUST 2 = 7 → 0.7; smart PV (K3, K4): EMSD 1, FSD 1, HA 1 = 3 → 0.3.
def test_affinity_share_and_lift(store):
    got = affinity(store)
    assert len(got) == 12  # every department in view × every category seen, zeros included
    assert got["FSD", "robotics"] == (3, 1.0, 1.67, True)  # 3/3 ÷ 0.6
    assert got["HKUST", "iot_data_platforms"] == (2, 1.0, 1.43, False)  # 2/2 ÷ 0.7, below 1.5× and support
    assert got["HA", "smart_pv"] == (1, 0.5, 1.67, False)  # high lift, but one delegate: no highlight
    assert got["EMSD", "iot_data_platforms"] == (2, 0.6667, 0.95, False)
    assert got["HKUST", "robotics"] == (0, 0.0, 0.0, False)
    assert [k for k, v in got.items() if v[3]] == [("FSD", "robotics")]


def test_affinity_support_threshold_admits_small_pairs(store):
    unusual = [k for k, v in affinity(store, support=1).items() if v[3]]
    assert unusual == [("FSD", "robotics"), ("HA", "smart_pv")]


def test_affinity_follows_the_filters(store):
    # Shenzhen only (K1, K3): EMSD 2, FSD 3, HA 1 delegates; IoT only on K1 (4 of 6), smart PV only on K3 (2 of 6).
    got = affinity(store, Filters(cities=("Shenzhen",)))
    assert got["FSD", "robotics"][1:3] == (1.0, 1.0)  # everyone saw robotics: no lift
    assert got["HA", "iot_data_platforms"][:3] == (1, 1.0, 1.5)
    assert got["EMSD", "smart_pv"][:3] == (1, 0.5, 1.5)
    assert got["HA", "smart_pv"][:3] == (0, 0.0, 0.0)
    assert ("HKUST", "robotics") not in got


def test_affinity_mean_interest_weights_each_visit_by_its_delegates(tmp_path):
    """The known data plus robotics listed again on K3 (scores 3 and 5: its score is their mean, 4) and IoT without
    a score on K4: exposure counts K4's delegate, the mean interest only scored visits."""
    directory = known_data.build(tmp_path / "data", "csv")
    extra = {"visit_technologies": [("K3", "robotics", 5), ("K4", "iot_data_platforms", None)]}
    known_data.write_batch(directory, extra, "more")
    rows = Store(directory, in_memory=True).records("affinity", min_support=1, min_lift=insights.MIN_LIFT)
    got = {(r["department"], r["category_id"]): (r["delegates_exposed"], r["mean_interest_score"]) for r in rows}
    assert got["EMSD", "robotics"] == (2, 4.5)  # K1 (5) and K3 (4), one delegate each: 9 / 2
    assert got["FSD", "robotics"] == (3, 4.67)  # two on K1 (5), one on K3 (4): 14 / 3
    assert got["HA", "iot_data_platforms"] == (2, 4.0)  # K1 (4) and K4 (no score)
    assert got["HKUST", "smart_pv"] == (0, None)


def test_affinity_sentences_in_both_languages(store):
    frame = store.execute("affinity", min_support=1, min_lift=insights.MIN_LIFT).df()
    assert insights.affinity_highlights(frame, "en") == [
        "Fire Services Department: 1.7× average exposure to Robots and robotic arms (3 of 3 delegates)",
        "Hospital Authority: 1.7× average exposure to Smart photovoltaic generation (1 of 2 delegates)",
    ]
    assert insights.affinity_highlights(frame, "zh", limit=1) == [
        "消防處：接觸機械人及機械臂的比率為平均的 1.7×（3 名團員中 3 名）"
    ]


def funnel(store: Store, filters: Filters | None = None) -> dict:
    return {
        r["category_id"]: tuple(r[s] for s in insights.FUNNEL_STAGES)
        for r in store.records("follow_up_funnel", filters)
    }


def test_follow_up_funnel(store):
    # Exposed: robotics K1+K3 → EMSD, FSD, HA; smart PV K3+K4 → EMSD, FSD, HA; IoT K1+K2 → all four.
    assert funnel(store) == {
        "robotics": (3, 3, 1, 1, 0),  # FSD reached pilot; EMSD and HKUST ideas
        "smart_pv": (3, 1, 1, 1, 1),  # HA adopted straight away: it counts at every stage
        "iot_data_platforms": (4, 1, 0, 0, 0),
    }
    assert [r["category_id"] for r in store.records("follow_up_funnel")] == [
        "smart_pv",
        "robotics",
        "iot_data_platforms",
    ]


def test_follow_up_funnel_filters(store):
    # Up to 15 March: FSD's pilot (1 April) and HA's adoption (1 May) are not yet there.
    assert funnel(store, Filters(date_to=date(2019, 3, 15))) == {
        "robotics": (3, 3, 1, 0, 0),
        "smart_pv": (3, 0, 0, 0, 0),
        "iot_data_platforms": (4, 1, 0, 0, 0),
    }
    assert funnel(store, Filters(departments=("FSD",))) == {
        "robotics": (1, 1, 1, 1, 0),
        "smart_pv": (1, 0, 0, 0, 0),
        "iot_data_platforms": (1, 0, 0, 0, 0),
    }
    # The city filter narrows exposure only: Dongguan (K4) exposed HA to smart PV; follow-ups all still count.
    assert funnel(store, Filters(cities=("Dongguan",)))["smart_pv"] == (1, 1, 1, 1, 1)
    assert funnel(store, Filters(cities=("Dongguan",)))["robotics"] == (0, 3, 1, 1, 0)


def test_follow_up_list_marks_exposure(store):
    rows = store.records("follow_up_list")
    assert [(r["follow_up_date"], r["department"], r["follow_up_status"]) for r in rows[:2]] == [
        (date(2019, 5, 1), "HA", "adopted"),
        (date(2019, 4, 1), "FSD", "pilot"),
    ]
    unexposed = [(r["department"], r["category_id"]) for r in rows if not r["is_exposed"]]
    assert unexposed == [("HKUST", "robotics")]
    assert rows[0]["department_zh"] == "醫院管理局"


def test_visits_by_city(store):
    rows = store.records("visits_by_city")
    assert [(r["city"], r["visits"], r["delegates"], r["departments"]) for r in rows] == [
        ("Shenzhen", 2, 6, 3),
        ("Guangzhou", 1, 3, 2),
        ("Dongguan", 1, 1, 1),
    ]
    assert (rows[0]["lat"], rows[0]["lon"], rows[0]["city_zh"]) == (22.54, 114.06, "深圳")
    filtered = store.records("visits_by_city", Filters(departments=("FSD",)))
    assert [(r["city"], r["visits"], r["delegates"]) for r in filtered] == [
        ("Shenzhen", 2, 3),
        ("Dongguan", 0, 0),
        ("Guangzhou", 0, 0),
    ]


def test_city_missing_from_reference_has_no_position(dirty):
    atlantis = dirty.records("visits_by_city")[-1]
    assert (atlantis["city"], atlantis["visits"], atlantis["lat"]) == ("Atlantis", 1, None)


def test_map_outline_is_bundled_and_offline(store):
    outline = store.execute("map_outline", path=str(insights.OUTLINE_FILE)).df()
    assert outline["part"].nunique() == 19
    assert outline["lon"].between(111.9, 115.0).all() and outline["lat"].between(21.45, 23.95).all()
    cities = store.execute("visits_by_city").df()
    fig = charts.city_map(cities, outline, value="delegates", title="Map", lang="zh")
    assert {trace.type for trace in fig.data} == {"scatter"}  # no geo trace: no topojson fetched from a CDN
    assert list(fig.data[1].text) == ["深圳<br>6", "廣州<br>3", "東莞<br>1"]  # each bubble with its number
    assert list(fig.data[1].customdata) == ["Shenzhen", "Guangzhou", "Dongguan"]


def trends(store: Store, filters: Filters | None = None, granularity: str = "month") -> list[tuple]:
    return [
        (
            r["period"],
            r["visits"],
            r["delegates"],
            r["departments"],
            r["new_departments"],
            r["returning_departments"],
            r["cumulative_departments"],
        )
        for r in store.records("trends", filters, granularity=granularity)
    ]


def test_trends_by_month_and_quarter(store):
    # January: K1 (EMSD, FSD, FSD, HA) and K2 (EMSD, HKUST, HKUST); February: K3 (EMSD, FSD); March: K4 (HA).
    assert trends(store) == [
        (date(2019, 1, 1), 2, 7, 4, 4, 0, 4),
        (date(2019, 2, 1), 1, 2, 2, 0, 2, 4),
        (date(2019, 3, 1), 1, 1, 1, 0, 1, 4),
    ]
    assert trends(store, granularity="quarter") == [(date(2019, 1, 1), 4, 10, 4, 4, 0, 4)]


def test_trends_first_time_looks_before_the_date_range(store):
    # From February: EMSD and FSD were first seen in January, so they return; reach counts from February.
    assert trends(store, Filters(date_from=date(2019, 2, 1))) == [
        (date(2019, 2, 1), 1, 2, 2, 0, 2, 2),
        (date(2019, 3, 1), 1, 1, 1, 0, 1, 3),
    ]


def test_trends_fill_empty_periods(store):
    # HA: K1 in January, K4 in March; February shows as zero rather than vanishing.
    assert trends(store, Filters(departments=("HA",))) == [
        (date(2019, 1, 1), 1, 1, 1, 1, 0, 1),
        (date(2019, 2, 1), 0, 0, 0, 0, 0, 1),
        (date(2019, 3, 1), 1, 1, 1, 0, 1, 1),
    ]


def test_insight_queries_on_an_empty_directory(tmp_path):
    empty = Store(tmp_path)
    assert empty.records("affinity", min_support=3, min_lift=1.5) == []
    assert empty.records("trends", granularity="month") == []
    assert empty.records("follow_up_funnel") == []
    assert [r["visits"] for r in empty.records("visits_by_city")] == []
    assert quality.file_rows(empty) == []
    assert quality.last_upload(empty) is None
    assert all(f.n_found == 0 and f.rows == [] for f in quality.findings(empty))


def test_quality_checks_find_each_planted_problem(dirty):
    found = {f.check: f for f in quality.findings(dirty)}
    assert {k: f.n_found for k, f in found.items()} == {
        "unknown_departments": 1,
        "unknown_cities": 1,
        "unknown_categories": 1,
        "orphan_participants": 1,
        "orphan_visit_technologies": 1,
        "visits_without_participants": 1,
        "visits_without_categories": 1,
        "duplicate_visit_ids": 2,
        "duplicate_rows": 3,
        "follow_up_problems": 3,
    }
    assert found["unknown_departments"].rows == [
        {"visit_id": "K2", "department": "XYZ", "participant_id": "011", "role": "delegate"}
    ]
    assert found["unknown_cities"].rows[0]["city"] == "Atlantis"
    assert [r["visit_id"] for r in found["visits_without_categories"].rows] == ["K9"]
    assert [(r["table_name"], r["row_key"], r["copies"]) for r in found["duplicate_rows"].rows] == [
        ("follow_ups", "robotics · FSD · idea · 2019-02-10 · ok", 2),
        ("participants", "K1 · EMSD · 001 · leader", 2),
        ("visit_technologies", "K1 · robotics", 2),
    ]
    problems = [(r["department"], r["category_id"], r["status"]) for r in found["follow_up_problems"].rows]
    assert problems == [("NOPE", "robotics", "trial"), ("FSD", "quantum", "idea"), ("HA", "smart_pv", "launched")]


def test_quality_rows_are_limited_but_counted(dirty):
    duplicates = next(f for f in quality.findings(dirty, limit=1) if f.check == "duplicate_rows")
    assert (duplicates.n_found, len(duplicates.rows)) == (3, 1)


def test_clean_known_data_passes_every_check(store):
    assert [f.check for f in quality.findings(store) if f.n_found] == []


def test_rows_per_file_in_the_mixed_layout(tmp_path):
    # known_data's mixed layout: each table's first half in a single file, the rest in a folder part.
    s = Store(insights_data.build(tmp_path / "data", "mixed"))
    assert [(r["table_name"], r["source_file"], r["n_rows"]) for r in quality.file_rows(s)] == [
        ("cities", "cities.parquet", 1),
        ("cities", "cities/part-1.csv", 2),
        ("departments", "departments.csv", 2),
        ("departments", "departments/part-1.parquet", 2),
        ("technologies", "technologies.parquet", 1),
        ("technologies", "technologies/part-1.csv", 2),
        ("visits", "visits.parquet", 2),
        ("visits", "visits/part-1.csv", 2),
        ("participants", "participants.parquet", 5),
        ("participants", "participants/part-1.csv", 5),
        ("visit_technologies", "visit_technologies.parquet", 3),
        ("visit_technologies", "visit_technologies/part-1.csv", 3),
        ("follow_ups", "follow_ups.parquet", 3),
        ("follow_ups", "follow_ups/part-1.csv", 4),
    ]
    assert sum(r["n_rows"] for r in quality.file_rows(s)) == sum(s.row_counts().values())


def test_last_upload_is_the_newest_file_change(tmp_path):
    directory = insights_data.build(tmp_path / "data", "csv")
    for path in directory.rglob("*.csv"):
        os.utime(path, (1_500_000_000, 1_500_000_000))
    os.utime(directory / "follow_ups.csv", (1_600_000_000, 1_600_000_000))
    s = Store(directory)
    assert quality.last_upload(s) == datetime(2020, 9, 13, 12, 26, 40, tzinfo=UTC)
    modified = {r["source_file"]: r["modified_at"] for r in quality.file_rows(s)}
    assert modified["visits.csv"] == datetime(2017, 7, 14, 2, 40, tzinfo=UTC)
