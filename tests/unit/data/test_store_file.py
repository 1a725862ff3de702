"""Data is kept in a database file per data version: the same answers as in memory, opened again
without a rebuild, replaced when the data changes, and never needed (a cache directory that cannot be
written means memory)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from innovisits.data import sql
from innovisits.data import store as store_module
from innovisits.data.filters import Filters
from innovisits.data.store import Store
from tests import known_data

QUERIES = (
    "summary",
    "delegates_by_department",
    "delegates_by_kind",
    "visits_by_category",
    "visits_by_month",
    "interest_by_city_category",
    "follow_up_funnel",
)
VIEWS = (Filters(), Filters(cities=("Shenzhen",)), Filters(departments=("EMSD",)), Filters(categories=("robotics",)))


@pytest.fixture
def files_for_all(monkeypatch, tmp_path: Path) -> Path:
    """The cache directory is the test's own."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("INNOVISITS_CACHE_DIR", str(cache))
    return cache


def answers(store: Store) -> list:
    return [store.records(name, view) for name in QUERIES for view in VIEWS]


def test_file_snapshot_answers_as_memory_does(known_dir: Path, files_for_all: Path):
    on_file = Store(known_dir)
    assert on_file.file is not None and on_file.file.parent == files_for_all
    assert {k: on_file.records("summary")[0][k] for k in ("visits", "delegates")} == {"visits": 4, "delegates": 10}
    assert answers(on_file) == answers(Store(known_dir, in_memory=True))


def test_the_unfiltered_summary_is_stored(known_dir: Path, files_for_all: Path):
    """Unfiltered, `summary` reads the row the snapshot stored (a fresh process plans no filter macro), which is
    the computed answer; filtered, it is computed."""
    on_file = Store(known_dir)
    computed = sql.records(sql.run(on_file.con.cursor(), "summary", Filters().params()))
    assert on_file.records("summary") == computed and computed[0]["visits"] == 4
    in_memory = Store(known_dir, in_memory=True)
    in_memory.con.execute("update stored_summary set visits = 99")
    assert in_memory.records("summary")[0]["visits"] == 99
    assert in_memory.records("summary", Filters(cities=("Shenzhen",)))[0]["visits"] == 2


def test_a_second_open_reuses_the_file(known_csv_dir: Path, files_for_all: Path):
    first = Store(known_csv_dir).file
    built = first.stat().st_mtime_ns
    again = Store(known_csv_dir)
    assert again.file == first and first.stat().st_mtime_ns == built
    assert sorted(p.name for p in files_for_all.iterdir()) == [first.name, f"{first.stem}.lock"]  # no partial


def test_new_data_means_a_new_file_and_the_old_one_goes(known_csv_dir: Path, files_for_all: Path):
    old = Store(known_csv_dir)
    known_data.write_batch(known_csv_dir, known_data.BATCH, "batch-1")
    new = Store(known_csv_dir)
    assert new.file != old.file and not old.file.exists() and len(list(files_for_all.iterdir())) == 2
    row = new.records("summary")[0]
    assert {k: row[k] for k in known_data.WITH_BATCH} == known_data.WITH_BATCH
    assert old.records("summary")[0]["visits"] == 4  # an open snapshot stays readable after it is replaced


def test_a_cache_path_that_is_a_file_means_memory(known_csv_dir: Path, files_for_all: Path):
    files_for_all.write_text("not a directory")
    store = Store(known_csv_dir)
    assert store.file is None and store.records("summary")[0]["visits"] == 4


def test_an_upload_preview_stays_in_memory(known_csv_dir: Path, files_for_all: Path):
    assert Store(known_csv_dir, in_memory=True).file is None
    assert not files_for_all.exists()


def test_replicas_starting_together_build_one_file(known_csv_dir: Path, files_for_all: Path):
    with ThreadPoolExecutor(max_workers=3) as pool:  # a lock file excludes threads as it does processes
        stores = list(pool.map(lambda _: Store(known_csv_dir), range(3)))
    assert len({s.file for s in stores}) == 1 and all(s.records("summary")[0]["visits"] == 4 for s in stores)
    assert len(list(files_for_all.glob("*.duckdb"))) == 1


UPLOAD = {
    "visits": [("K5", "2019-04-02", "Shenzhen", "Robot maker", "enterprise", "Return visit", "")],
    "participants": [("K5", "EMSD", "011", "leader"), ("K1", "NEWD", "099", "delegate")],
    "visit_technologies": [("K5", "robotics", 4), ("K2", "smart_pv", 2)],
}


def builds(monkeypatch) -> list[str]:
    """The databases `Store._build` loads from the files (a full build), recorded."""
    built: list[str] = []
    full_build = Store._build

    def record(self, database):
        built.append(database)
        return full_build(self, database)

    monkeypatch.setattr(Store, "_build", record)
    return built


def test_an_upload_brings_the_snapshot_up_to_date_without_a_rebuild(known_csv_dir, files_for_all, monkeypatch):
    """A new visit, a delegate of a new department on a stored visit, categories on a new and a stored visit:
    the snapshot is the previous one plus these rows, every answer as a full build gives it."""
    Store(known_csv_dir)
    known_data.write_batch(known_csv_dir, UPLOAD, "batch-1")
    built = builds(monkeypatch)
    updated = Store(known_csv_dir)
    assert built == [] and updated.file is not None
    row = updated.records("summary")[0]
    assert (row["visits"], row["delegates"], row["departments"]) == (5, 12, 5)
    views = [*VIEWS, Filters(departments=("NEWD",)), Filters(categories=("smart_pv",), departments=("HA",))]
    fresh = Store(known_csv_dir, in_memory=True)
    for name in QUERIES:
        for view in views:
            assert updated.records(name, view) == fresh.records(name, view), (name, view)
    for view in views:  # K2's and K5's categories are new sets of scores
        values = {"min_support": 1, "min_lift": 1.0}
        assert updated.records("affinity", view, **values) == fresh.records("affinity", view, **values), view


def test_a_stored_visit_id_uploaded_again_means_a_full_build(known_csv_dir, files_for_all, monkeypatch):
    Store(known_csv_dir)
    again = {"visits": [("K1", "2019-05-01", "Dongguan", "Someone", "enterprise", "Same id", "")]}
    known_data.write_batch(known_csv_dir, again, "batch-1")
    built = builds(monkeypatch)
    store = Store(known_csv_dir)
    assert len(built) == 1 and store.records("summary")[0]["visits"] == 5
    assert answers(store) == answers(Store(known_csv_dir, in_memory=True))


def test_the_schema_worked_out_on_a_connection_leaves_it_as_it_was(monkeypatch):
    """An ingest works the schema out on its snapshot's connection (`schema(con)`): the columns of the schema
    file, and the connection still holds no table, view or macro of it."""
    monkeypatch.setattr(store_module, "_SCHEMA", {})
    con = store_module.connect()
    found = store_module.schema(con)
    assert [(c.name, c.type, c.is_required) for c in found["participants"]] == [
        ("visit_id", "VARCHAR", True),
        ("department", "VARCHAR", True),
        ("participant_id", "VARCHAR", False),
        ("role", "VARCHAR", False),
    ]
    assert con.execute("select count(*) from duckdb_tables() where not temporary").fetchall() == [(0,)]
    assert con.execute("select count(*) from duckdb_views() where not internal").fetchall() == [(0,)]
    assert not con.execute("select * from duckdb_functions() where function_name = 'follow_up_statuses'").fetchall()
