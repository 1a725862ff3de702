"""Corrections and undo's dependants, on the known data set (tests/known_data.py) plus the new visit K5 of
tests/ingest_files.py. A correction is previewed change by change, stored as its own batch that the pages
read, and withdrawn byte for byte; a batch that later batches build on is not withdrawn until they are."""

from __future__ import annotations

from pathlib import Path

import pytest

from innovisits.data import audit
from innovisits.data.store import Store
from innovisits.ingest import batches
from innovisits.ingest.plan import Upload, prepare
from tests import ingest_files as f
from tests import known_data

# K5's host and K1's title corrected; K4 moved from Dongguan to Guangzhou (so 3 cities become 2). The file
# leaves out visit_type, title and notes for K5: leaving a column out keeps the stored value.
FIX = (
    "visit_id,visit_date,city,host,title\n"
    'K5,2019-03-14,Shenzhen,Lamp works Ltd,"Lamps, poles"\n'
    "K1,2019-01-10,Shenzhen,Robot maker,Arms on the assembly line\n"
    "K4,2019-03-15,廣州,PV works,Solar roofs\n"
)
CHANGES = [
    ("visits", "K5", "host", "Lamp works", "Lamp works Ltd"),
    ("visits", "K1", "title", "Arms on the line", "Arms on the assembly line"),
    ("visits", "K4", "city", "Dongguan", "Guangzhou"),
]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return known_data.build(tmp_path / "data", "csv")


def store_report(directory: Path) -> str:
    return batches.commit(prepare([Upload("report.csv", f.REPORT.encode())], directory), "alice")


def visits(directory: Path) -> dict[str, tuple]:
    rows = Store(directory).con.sql("select visit_id, city, host, title from visits").fetchall()
    return {row[0]: row[1:] for row in rows}


def test_a_changed_value_is_refused_without_corrections_and_the_message_names_the_flag(data):
    store_report(data)
    plan = prepare([Upload("fix.csv", FIX.encode())], data)
    assert [(p.row, p.column, p.code) for p in plan.problems] == [
        (2, "host", "differs_from_store"),
        (3, "title", "differs_from_store"),
        (4, "city", "differs_from_store"),
    ]
    assert "ingest --corrections" in plan.problems[0].reason("en")
    assert "ingest --corrections" in plan.problems[0].reason("zh")


def test_correction_previewed_stored_read_and_undone_byte_identically(data):
    store_report(data)
    before = f.tree_hash(data)
    plan = prepare([Upload("fix.csv", FIX.encode())], data, corrections=True)
    assert plan.ok, [p.line() for p in plan.problems]
    assert [(c.table, c.key, c.column, c.old, c.new) for c in plan.changes] == CHANGES
    assert (plan.corrected, plan.counts(), plan.duplicates) == ({"visits": 3}, {}, {"visits": 0})
    assert (plan.before["cities"], plan.after["cities"]) == (3, 2)  # Dongguan no longer visited
    assert not list(data.rglob("*.parquet")) or f.tree_hash(data) == before  # a preview writes nothing
    batch = batches.commit(plan, "alice")
    assert visits(data)["K5"] == ("Shenzhen", "Lamp works Ltd", "Lamps, poles")
    assert visits(data)["K1"] == ("Shenzhen", "Robot maker", "Arms on the assembly line")
    assert visits(data)["K4"][0] == "Guangzhou"
    assert Store(data).records("summary")[0]["cities"] == 2
    record = next(b for b in audit.batches(data) if b.batch_id == batch)
    assert record.corrected == {"visits": 3} and [tuple(c) for c in record.changes] == CHANGES
    assert sorted(original for original, _ in record.superseded) == sorted(
        ["visits.csv", next(p for p in audit.batches(data)[1].paths if p.startswith("visits/"))]
    )
    assert record.visits == ["K1", "K4", "K5"]
    batches.undo(data, batch, "alice")
    assert f.tree_hash(data) == before
    assert visits(data)["K4"][0] == "Dongguan"


def test_the_same_correction_twice_stores_nothing_new(data):
    plan = prepare([Upload("fix.csv", FIX.replace("K5", "K2").encode())], data, corrections=True)
    # K2 is stored as a seminar in Guangzhou; given here in Shenzhen with another host and title.
    assert {(c.key, c.column) for c in plan.changes} >= {("K2", "city"), ("K2", "host")}
    batches.commit(plan, "alice")
    again = prepare([Upload("fix.csv", FIX.replace("K5", "K2").encode())], data, corrections=True)
    assert again.ok and again.adds_nothing and not again.changes


def test_undo_refused_while_later_batches_use_or_correct_a_batch(data):
    start = f.tree_hash(data)
    visit = batches.commit(prepare([Upload("visits.csv", f.VISITS.encode())], data), "alice")
    delegates = batches.commit(prepare([Upload("people.csv", f.PARTICIPANTS.encode())], data), "bob")
    with pytest.raises(batches.DependedOnError) as refused:
        batches.undo(data, visit, "alice")
    assert refused.value.dependants == [batches.Dependant(delegates, "uses")]
    assert delegates in str(refused.value) and "withdraw those first" in str(refused.value)
    fix = FIX.splitlines()[0] + "\n" + "K5,2019-03-14,Shenzhen,Lamp works Ltd,Lamps\n"
    correction = batches.commit(prepare([Upload("fix.csv", fix.encode())], data, corrections=True), "carol")
    with pytest.raises(batches.DependedOnError) as refused:
        batches.undo(data, visit, "alice")
    assert refused.value.dependants == [
        batches.Dependant(delegates, "uses"),
        batches.Dependant(correction, "corrects"),
    ]
    batches.undo(data, delegates, "bob")  # the correction does not build on the delegates
    with pytest.raises(batches.DependedOnError):
        batches.undo(data, visit, "alice")
    batches.undo(data, correction, "carol")
    batches.undo(data, visit, "alice")
    assert f.tree_hash(data) == start


def test_visits_without_delegates_or_categories_are_warned(data):
    plan = prepare([Upload("visits.csv", f.VISITS.encode())], data)
    assert plan.ok
    assert [(w.value, w.code) for w in plan.warnings] == [("K5", "no_categories"), ("K5", "no_delegates")]
    assert prepare([Upload("report.csv", f.REPORT.encode())], data).warnings == []


def test_a_correction_interrupted_after_its_journal_is_read_whole_and_finished(data, monkeypatch):
    """Killed after the journal is written, before any rename: readers already see the corrected rows (and not
    the superseded file beside them); the next writer finishes it, and undo still restores every byte."""
    store_report(data)
    before = f.tree_hash(data)
    plan = prepare([Upload("fix.csv", FIX.encode())], data, corrections=True)
    monkeypatch.setattr(batches.journal, "finish", lambda directory: None)
    batch = batches.commit(plan, "alice")
    monkeypatch.undo()
    assert f.tree_hash(data) == before  # nothing renamed yet
    assert visits(data)["K4"][0] == "Guangzhou" and len(visits(data)) == 5
    batches.undo(data, batch, "alice")  # recovers (finishes the commit) first, then withdraws
    assert f.tree_hash(data) == before
    assert visits(data)["K4"][0] == "Dongguan"
