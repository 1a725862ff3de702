"""The upload logic on real files and a real store: every accepted format gives the hand-worked numbers,
every rejection names file, row, column and the fix and stores nothing, commits are idempotent and undo
returns the data directory byte for byte."""

from pathlib import Path

import pytest

from innovisits.data import audit
from innovisits.data.config import SAMPLE_DATA_DIR
from innovisits.data.store import Store
from innovisits.ingest import batches, templates
from innovisits.ingest.plan import Limits, Upload, prepare
from innovisits.ingest.resolve import resolvers
from innovisits.ingest.snapshot import Snapshot
from tests import ingest_files as f
from tests import known_data


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return known_data.build(tmp_path / "data", "csv")


def summary(directory: Path) -> dict[str, int]:
    row = Store(directory).records("summary")[0]
    return {k: row[k] for k in f.AFTER}


def visit(store: Store, visit_id: str) -> tuple:
    rows = store.records("visit", visit_id=visit_id)
    return tuple(str(rows[0][k]) for k in ("visit_id", "visit_date", "city", "host", "visit_type", "title", "notes"))


ACCEPTED = {
    "report utf-8": [("report.csv", f.REPORT.encode())],
    "report utf-8 BOM CRLF": [("report.csv", b"\xef\xbb\xbf" + f.REPORT.replace("\n", "\r\n").encode())],
    "report big5 chinese headers dates names": [("report.csv", f.report_big5())],
    "report chinese utf-8 with BOM": [("report.csv", f.REPORT_ZH.encode("utf-8-sig"))],
    "three table files, mixed case headers and names": [
        ("v.csv", f.VISITS.encode()),
        ("p.csv", f.PARTICIPANTS.encode()),
        ("t.csv", f.VISIT_TECHNOLOGIES.encode("cp950")),
    ],
}


@pytest.mark.parametrize("files", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_accepted_formats_give_the_known_answer(data, files):
    plan = prepare([Upload(name, content) for name, content in files], data)
    assert plan.ok, [p.line() for p in plan.problems]
    assert (plan.before, plan.after, plan.counts()) == (f.BEFORE, f.AFTER, f.ADDED)
    assert batches.commit(plan, "tester")
    store = Store(data)
    assert {k: store.records("summary")[0][k] for k in f.AFTER} == f.AFTER
    assert visit(store, "K5") == f.EXPECTED_VISIT
    delegates = store.records("visit_delegation", visit_id="K5")
    assert sorted((r["department"], r["delegates"]) for r in delegates) == [("EMSD", 1), ("FSD", 1), ("HA", 1)]
    assert sorted(r["category_id"] for r in store.records("visit_categories", visit_id="K5")) == [
        "robotics",
        "smart_pv",
    ]


@pytest.mark.parametrize(
    ("kind", "written", "canonical"),
    [
        ("department", "食環署", "FEHD"),
        ("department", "FEHD", "FEHD"),
        ("department", "fehd", "FEHD"),
        ("department", "Food and Environmental Hygiene Department", "FEHD"),
        ("department", "食物環境衛生署", "FEHD"),
        ("department", "港機管局", "AAHK"),
        ("department", "建築署", "ArchSD"),
        ("city", "深圳", "Shenzhen"),
        ("city", "深圳市", "Shenzhen"),
        ("city", " shenzhen ", "Shenzhen"),
        ("city", "Macau", "Macao"),
        ("category", "機械人及機械臂", "robotics"),
    ],
)
def test_names_codes_abbreviations_and_chinese_resolve(kind, written, canonical):
    assert resolvers(Snapshot(SAMPLE_DATA_DIR))[kind].resolve(written) == canonical


def test_unknown_names_suggest_the_closest():
    found = resolvers(Snapshot(SAMPLE_DATA_DIR))
    assert found["city"].resolve("Shenzen") is None
    assert found["city"].closest("Shenzen")[0] == "Shenzhen"
    assert found["department"].closest("FEHS")[0] == "FEHD"


def code(problem) -> tuple:
    return (problem.file, problem.row, problem.column, problem.value, problem.code)


REPORT_HEADER = "visit_id,visit_date,city,host,visit_type,title,notes,department,role,categories\n"
REJECTED = {
    "unknown city": (
        [("r.csv", REPORT_HEADER + "K5,2019-03-14,Shenzen,H,enterprise,T,,EMSD,leader,robotics\n")],
        ("r.csv", 2, "city", "Shenzen", "unknown_city"),
        "unknown city (closest known: Shenzhen)",
    ),
    "bad date": (
        [("r.csv", REPORT_HEADER + "K5,30/2/2019,Shenzhen,H,enterprise,T,,EMSD,leader,robotics\n")],
        ("r.csv", 2, "visit_date", "30/2/2019", "bad_date"),
        "not a date: write it as 2019-03-14",
    ),
    "missing required column": (
        [("v.csv", "visit_id,visit_date,host\nK5,2019-03-14,H\n")],
        ("v.csv", 1, "city", None, "missing_column"),
        "required column city missing for a Visits file",
    ),
    "participant of a visit that does not exist": (
        [("p.csv", "visit_id,department\nK1,EMSD\nK9,EMSD\n")],
        ("p.csv", 3, "visit_id", "K9", "unknown_parent"),
        "no such visit in this upload or in the stored data",
    ),
    "duplicate visit_id in a file": (
        [("v.csv", "visit_id,visit_date,city\nK5,2019-03-14,Shenzhen\nK5,2019-03-15,Shenzhen\n")],
        ("v.csv", 3, "visit_id", "K5", "duplicate_key"),
        "duplicate: the same id is already on v.csv row 2",
    ),
    "visit_id stored with other values": (
        [("v.csv", "visit_id,visit_date,city\nK1,2019-01-11,Shenzhen\n")],
        ("v.csv", 2, "visit_date", "2019-01-11", "differs_from_store"),
        "K1 is already stored with the value '2019-01-10'",
    ),
    "score outside 1-5": (
        [("t.csv", "visit_id,category_id,interest_score\nK1,smart_pv,6\n")],
        ("t.csv", 2, "interest_score", "6", "out_of_range"),
        "must be from 1 to 5",
    ),
    "unknown department": (
        [("p.csv", "visit_id,department\nK1,FDS\n")],
        ("p.csv", 2, "department", "FDS", "unknown_department"),
        "closest known: FSD",
    ),
    "required value empty": (
        [("p.csv", "visit_id,department\nK1,\n")],
        ("p.csv", 2, "department", None, "required"),
        "a value is required here",
    ),
    "empty file": ([("e.csv", "")], ("e.csv", None, None, None, "empty_file"), "the file is empty"),
    "header only": ([("h.csv", "visit_id,department\n")], ("h.csv", None, None, None, "no_rows"), "no data rows"),
    "not a CSV (an Excel workbook)": (
        [("book.csv", b"PK\x03\x04\x14\x00\x06\x00" + bytes(200))],
        ("book.csv", None, None, None, "not_csv_binary"),
        "Save As › Excel Workbook (.xlsx) or CSV UTF-8",
    ),
    "unrecognised header": (
        [("x.csv", "name,age\nAnn,3\n")],
        ("x.csv", 1, None, "name, age", "unknown_header"),
        "Visits (visit_id, visit_date, city)",
    ),
}


@pytest.mark.parametrize(("files", "expected", "message"), REJECTED.values(), ids=REJECTED.keys())
def test_rejections_say_what_to_fix_and_store_nothing(data, files, expected, message):
    before = f.tree_hash(data)
    uploads = [Upload(name, c.encode() if isinstance(c, str) else c) for name, c in files]
    plan = prepare(uploads, data)
    assert not plan.ok
    assert expected in [code(p) for p in plan.problems], [p.line() for p in plan.problems]
    assert any(message in p.line() for p in plan.problems), [p.line() for p in plan.problems]
    with pytest.raises(ValueError):
        batches.commit(plan, "tester")
    assert f.tree_hash(data) == before


def test_problems_in_several_files_are_all_reported_with_chinese_reasons(data):
    plan = prepare(
        [Upload("a.csv", b"visit_id,department\nK1,FDS\n"), Upload("b.csv", b"visit_id,category_id\nK1,robotix\n")],
        data,
    )
    assert [(p.file, p.code) for p in plan.problems] == [("a.csv", "unknown_department"), ("b.csv", "unknown_category")]
    assert (
        plan.problems[1].reason("zh")
        == "未知科技類別（最接近：機械人及機械臂）；請更正，或加入此類別（參考資料頁面，或 reference 指令）"
    )


@pytest.mark.parametrize(
    ("limits", "expected"),
    [(Limits(max_bytes=100), "too_large"), (Limits(max_rows=2), "too_many_rows")],
)
def test_size_and_row_limits(data, limits, expected):
    plan = prepare([Upload("r.csv", f.REPORT.encode())], data, limits)
    assert [p.code for p in plan.problems] == [expected]


def test_reupload_adds_nothing(data):
    upload = [Upload("r.csv", f.report_big5())]
    first = prepare(upload, data)
    batch = batches.commit(first, "tester")
    stored = f.tree_hash(data)
    again = prepare(upload, data)
    assert again.ok and again.adds_nothing
    assert again.duplicates == f.ADDED
    assert again.files[0].stored_in == batch
    assert batches.commit(again, "tester") is None
    assert f.tree_hash(data) == stored
    # the same rows written differently (UTF-8, English names) are recognised by row identity too
    assert prepare([Upload("other.csv", f.REPORT.encode())], data).adds_nothing


def test_two_identical_delegates_stay_two(data):
    # K4 has one stored delegate (HA, participant 010, delegate). Uploading that row again and two
    # delegates without ids: the stored one is a duplicate, the two identical new rows are two people.
    rows = b"visit_id,department,participant_id,role\nK4,HA,010,delegate\nK4,HA,,\nK4,HA,,\n"
    plan = prepare([Upload("p.csv", rows)], data)
    assert (plan.counts(), plan.duplicates) == ({"participants": 2}, {"participants": 1})
    assert plan.after["delegates"] == 12


def test_new_delegates_alone_give_the_overview_numbers_after(data):
    """An upload of delegates only works out the numbers after from those before (see `plan._after`): they
    must be the Overview's. Stored: the known delegates but K2's two from HKUST, plus one from HKUST on a visit
    K9 that is not stored (not a delegate: 4 visits, 8 delegates of EMSD, FSD, HA). The upload adds HKUST to K2
    and a Fire Services delegate (by name) to K4: 10 delegates of 4 departments."""
    header, rows = known_data.TABLES["participants"]
    kept = [r for r in rows if r[1] != "HKUST"] + [("K9", "HKUST", "099", "delegate")]
    known_data.write_csv(data / "participants.csv", header, kept)
    upload = b"visit_id,department,participant_id,role\nK2,HKUST,006,delegate\nK4,Fire Services Department,,\n"
    plan = prepare([Upload("p.csv", upload)], data)
    assert plan.ok, [p.line() for p in plan.problems]
    assert plan.before == {"visits": 4, "delegates": 8, "departments": 3, "cities": 3, "categories": 3}
    assert plan.after == {"visits": 4, "delegates": 10, "departments": 4, "cities": 3, "categories": 3}
    batches.commit(plan, "tester")
    assert summary(data) == plan.after


@pytest.mark.parametrize("layout", known_data.LAYOUTS)
def test_undo_restores_the_directory_byte_for_byte(tmp_path, layout):
    data = known_data.build(tmp_path / "data", layout)
    before = f.tree_hash(data)
    batch = batches.commit(prepare([Upload("r.csv", f.REPORT.encode())], data), "tester")
    assert f.tree_hash(data) != before
    assert sorted(p.relative_to(data).as_posix() for p in data.rglob(f"batch-{batch}.parquet")) == [
        f"participants/batch-{batch}.parquet",
        f"visit_technologies/batch-{batch}.parquet",
        f"visits/batch-{batch}.parquet",
    ]
    batches.undo(data, batch, "tester")
    assert f.tree_hash(data) == before
    assert summary(data) == f.BEFORE
    (history,) = audit.batches(data)
    assert (history.batch_id, history.by, history.rows, history.withdrawn_by) == (batch, "tester", f.ADDED, "tester")
    assert history.files[0]["sha256"] == __import__("hashlib").sha256(f.REPORT.encode()).hexdigest()
    with pytest.raises(batches.UndoError):
        batches.undo(data, batch, "tester")


def test_undo_of_an_earlier_batch_keeps_the_later_one(data):
    first = batches.commit(prepare([Upload("v.csv", f.VISITS.encode())], data), "a")
    second = batches.commit(prepare([Upload("p.csv", f.PARTICIPANTS.encode())], data), "b")
    batches.undo(data, second, "a")
    assert summary(data)["delegates"] == 10 and summary(data)["visits"] == 5
    assert [b.is_active for b in audit.batches(data)] == [False, True]  # newest first
    assert first


def test_stale_preview_is_refused(data):
    plan = prepare([Upload("r.csv", f.REPORT.encode())], data)
    batches.commit(prepare([Upload("v.csv", f.VISITS.encode())], data), "other")
    with pytest.raises(batches.StaleError):
        batches.commit(plan, "tester")


@pytest.mark.parametrize("kind", templates.KINDS)
def test_templates_and_examples_are_accepted(tmp_path, kind):
    data = tmp_path / "data"
    for table in ("cities", "departments", "technologies"):
        (data / f"{table}.csv").parent.mkdir(parents=True, exist_ok=True)
        (data / f"{table}.csv").write_bytes((SAMPLE_DATA_DIR / f"{table}.csv").read_bytes())
    example = [Upload(f"{kind}.csv", templates.example(kind))]
    if kind in ("participants", "visit_technologies"):
        example.append(Upload("visits.csv", templates.example("visits")))
    plan = prepare(example, data)
    assert plan.ok, [p.line() for p in plan.problems]
    assert plan.counts()
    assert [p.code for p in prepare([Upload("t.csv", templates.template(kind))], data).problems] == ["no_rows"]


FOLLOW_UPS = (
    "category,部門,stage,date,note\nrobotics,消防處,trial,1/6/2019,Trial of arms\nsmart_pv,HA,idea,2019年7月2日,\n"
)


def test_follow_ups_upload_through_the_same_rules(data):
    """A follow-up file with Chinese headers and names is recognised, stored, and idempotent (an empty note
    matches the stored missing one); a status outside the stages is refused."""
    plan = prepare([Upload("follow.csv", FOLLOW_UPS.encode("cp950"))], data)
    assert plan.ok, [p.line() for p in plan.problems]
    assert plan.counts() == {"follow_ups": 2}
    assert batches.commit(plan, "tester")
    rows = Store(data).con.table("follow_ups").order("date").fetchall()
    assert [(r[0], r[1], r[2], str(r[3])) for r in rows] == [
        ("robotics", "FSD", "trial", "2019-06-01"),
        ("smart_pv", "HA", "idea", "2019-07-02"),
    ]
    again = prepare([Upload("follow.csv", FOLLOW_UPS.encode("cp950"))], data)
    assert again.ok and again.counts() == {} and again.duplicates == {"follow_ups": 2}
    bad = prepare([Upload("bad.csv", b"category_id,department,status,date\nrobotics,FSD,maybe,2019-01-01\n")], data)
    assert [code(p) for p in bad.problems] == [("bad.csv", 2, "status", "maybe", "bad_choice")]


@pytest.mark.parametrize("layout", known_data.LAYOUTS)
def test_the_preview_numbers_are_the_overview_numbers(tmp_path, layout):
    """The preview counts with its own query (`ingest/overview`): it must agree with `summary` unfiltered,
    before (the known data: 4 visits, 10 delegates, 4 departments, 3 cities, 3 categories) and after."""
    data = known_data.build(tmp_path / "data", layout)
    plan = prepare([Upload("r.csv", f.REPORT.encode())], data)
    assert (plan.before, plan.after) == (f.BEFORE, f.AFTER) == (summary(data), f.AFTER)
    batches.commit(plan, "tester")
    assert summary(data) == plan.after
