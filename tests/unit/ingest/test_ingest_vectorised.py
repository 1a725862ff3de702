"""The vectorised ingest's own parts, with hand-worked answers: values checked once per distinct value
(plain ISO dates and whole numbers without pandas, other spellings through it, the same answers either
way), trimming and row numbers in DuckDB, and rows compared with rows by queries."""

from pathlib import Path

import pytest

from innovisits.data.store import connect
from innovisits.ingest import reading
from innovisits.ingest.plan import Upload, prepare
from innovisits.ingest.resolve import resolvers
from innovisits.ingest.rules import FOLLOW_UPS, VISIT_TECHNOLOGIES, VISITS
from innovisits.ingest.snapshot import Snapshot
from innovisits.ingest.validate import verdicts
from tests import ingest_files, known_data


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return known_data.build(tmp_path / "data", "csv")


@pytest.fixture(scope="module")
def names(tmp_path_factory):
    return resolvers(Snapshot(known_data.build(tmp_path_factory.mktemp("names") / "data", "csv")))


DATES = {  # written -> (normalised, failed checks)
    "2019-03-14": ("2019-03-14", ()),  # plain ISO: no pandas
    "14/3/2019": ("2019-03-14", ()),
    "2019年3月14日": ("2019-03-14", ()),
    "2019-3-4": ("2019-03-04", ()),  # not plain: pandas reads it as ISO
    "2019-02-30": ("2019-02-30", ("bad_date",)),  # plain in shape, not a date
    "30/2/2019": ("30/2/2019", ("bad_date",)),
    "soon": ("soon", ("bad_date",)),
}
SCORES = {
    "4": ("4", ()),
    "007": ("7", ("out_of_range",)),
    "-0": ("0", ("out_of_range",)),
    "4.0": ("4", ()),  # through pandas: a whole number written as a decimal
    "6": ("6", ("out_of_range",)),
    "abc": ("abc", ("bad_integer",)),
    "1e400": ("1e400", ("bad_integer", "out_of_range")),  # infinite: neither whole nor within 1-5
}


@pytest.mark.parametrize(
    ("rule", "column", "cases"),
    [(VISITS, "visit_date", DATES), (VISIT_TECHNOLOGIES, "interest_score", SCORES), (FOLLOW_UPS, "date", DATES)],
)
def test_each_distinct_value_is_normalised_and_checked_once(names, rule, column, cases):
    found = verdicts(rule, column, list(cases), names)
    assert {w: (v.value, tuple(code for code, _ in v.failed)) for w, v in zip(cases, found, strict=True)} == cases


def test_plain_values_agree_with_the_pandas_path(names):
    """The same values alone (all plain) and mixed with values that need pandas give the same answers."""
    plain = ["2019-03-14", "2019-02-30", "2024-02-29"]
    alone = verdicts(VISITS, "visit_date", plain, names)
    mixed = verdicts(VISITS, "visit_date", [*plain, "14/3/2019"], names)[:3]
    assert alone == mixed
    assert [v.failed for v in alone] == [(), (("bad_date", {}),), ()]


def test_values_are_trimmed_as_python_strips_and_blank_rows_keep_the_numbering():
    text = 'visit_id,department\n K1 ,\u3000EMSD\u00a0\n,\n \t ,\nK2,""\nK3,FSD\n'
    table = ingest_files.read(text.encode())
    assert table.rows.to_dict("index") == {
        2: {"visit_id": "K1", "department": "EMSD"},
        5: {"visit_id": "K2", "department": None},
        6: {"visit_id": "K3", "department": "FSD"},
    }


def test_each_white_space_character_is_found_alone_at_either_end_of_a_value():
    """One column a case (the check decides column by column): every character str.strip removes, before and
    after the value, and a leading ' (an exported formula), each the only padded value of its column."""
    cases = [f"{c}x" for c in reading.SPACES] + [f"x{c}" for c in reading.SPACES] + ["'=1", "x'", "、x", "é"]
    header = ",".join(f"h{i}" for i in range(len(cases)))
    line = ",".join('"' + v.replace('"', '""') + '"' for v in cases)
    table = ingest_files.read(f"{header}\n{line}\n".encode())
    expected = ["x"] * (2 * len(reading.SPACES)) + ["=1", "x'", "、x", "é"]
    assert list(table.rows.loc[2]) == expected


def test_a_file_without_quotes_is_cleaned_of_each_padding_alone():
    """An ASCII file skips the check of each value when its bytes hold no white space or '
    (`reading._plain`): each white space character a line can hold unquoted, at either end, and an exported
    formula's ', is still found when it is the only one in the file."""
    spaces = [c for c in reading.SPACES if c not in "\r\n"]
    con = connect()
    missed = []
    for number, value in enumerate([*(f"{c}x" for c in spaces), *(f"x{c}" for c in spaces), "'=1"]):
        loaded = reading.load(con, f"visit_id,department\nK1,EMSD\n{value},FSD\n".encode(), f"upload_{number}")
        if loaded.relation.order("_row").select("c0").fetchall() != [("K1",), ("=1" if value == "'=1" else "x",)]:
            missed.append(value)
    assert not missed


def test_a_plain_file_is_read_as_is_but_for_its_blank_rows():
    table = ingest_files.read(b"visit_id,department\nK1,EMSD\n,\nK2,FSD\n")
    assert table.rows.to_dict("index") == {
        2: {"visit_id": "K1", "department": "EMSD"},
        4: {"visit_id": "K2", "department": "FSD"},
    }


def test_a_file_read_by_both_threads_numbers_its_rows_as_the_file_does():
    """A quote-free file of 12 MB (two of DuckDB's 8 MB scan ranges) is read in parallel: each row's number
    is still its place in the file."""
    rows = 500_000
    text = "visit_id,department\n" + "".join(f"V{i:07d},D{i % 7}\n" for i in range(rows))
    con = connect()
    loaded = reading.load(con, text.encode(), "upload")
    numbered = loaded.relation.filter("c0 in ('V0000000', 'V0250000', 'V0499999')").order("_row").fetchall()
    assert loaded.rows == rows and [(n, v) for n, v, _ in numbered] == [
        (2, "V0000000"),
        (250_002, "V0250000"),
        (rows + 1, "V0499999"),
    ]


@pytest.mark.parametrize("quoted", [True, False])
def test_a_line_longer_than_the_readers_usual_limit_is_read_whole(quoted):
    """A note of 3 MB (DuckDB's reader expects lines of up to 2 MB, and is only told of longer ones when it
    meets one: `reading._LineSize`), quoted with a line break in it or not, between two short rows."""
    note = "x" * 1_500_000 + ("\n" if quoted else "") + "y" * 1_500_000
    written = f'"{note}"' if quoted else note
    text = f"visit_id,notes\nK1,short\nK2,{written}\nK3,short\n"
    loaded = reading.load(connect(), text.encode(), "upload")
    rows = loaded.relation.order("_row").select("_row, c0, length(c1)").fetchall()
    assert rows == [(2, "K1", 5), (3, "K2", len(note)), (4, "K3", 5)]


def test_a_report_giving_one_visit_two_dates_is_refused_at_the_later_row(data):
    header = "visit_id,visit_date,city,department,categories\n"
    rows = "K5,2019-03-14,Shenzhen,EMSD,robotics\nK5,2019-03-14,Shenzhen,FSD,\nK5,2019-03-15,Shenzhen,HA,\n"
    plan = prepare([Upload("r.csv", (header + rows).encode())], data)
    assert [(p.row, p.column, p.value, p.code, str(p.params["other"])) for p in plan.problems] == [
        (4, "visit_date", "2019-03-15", "differs_in_upload", "r.csv row 2")
    ]


def test_the_same_visit_in_two_files_is_one_visit_and_a_changed_one_is_refused(data):
    visit = "visit_id,visit_date,city\nK5,2019-03-14,Shenzhen\n"
    same = prepare([Upload("a.csv", visit.encode()), Upload("b.csv", visit.encode())], data)
    assert same.ok and same.counts() == {"visits": 1}
    changed = prepare(
        [Upload("a.csv", visit.encode()), Upload("b.csv", visit.replace("03-14", "03-15").encode())], data
    )
    assert [(p.file, p.row, p.column, p.code) for p in changed.problems] == [
        ("b.csv", 2, "visit_date", "differs_in_upload")
    ]


def test_new_rows_are_typed_in_the_batch_and_text_in_the_preview(data):
    plan = prepare([Upload("t.csv", b"visit_id,category_id,interest_score\nK2,robotics,04\nK3,smart_pv,4\n")], data)
    assert plan.ok, [p.line() for p in plan.problems]
    assert plan.counts() == {"visit_technologies": 1} and plan.duplicates == {"visit_technologies": 1}
    assert plan.rows("visit_technologies").fetchall() == [("K2", "robotics", 4)]
    assert plan.new["visit_technologies"].to_dict("records") == [
        {"visit_id": "K2", "category_id": "robotics", "interest_score": "4"}
    ]
