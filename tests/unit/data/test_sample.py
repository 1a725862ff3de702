"""The bundled sample is faithful to the EMSD newsletter it illustrates ("Greater Bay Area Visits to Study
Innovation and Technology Development"): every organisation it names as a delegation member takes part, the
organiser joins every visit (in the sample and in generated data), every record says it is illustrative, and
the wording is the newsletter's."""

from pathlib import Path

import pytest

from innovisits import i18n
from innovisits.data.config import SAMPLE_DATA_DIR
from innovisits.data.generate import generate
from innovisits.data.store import Store

# The newsletter's list of delegation members, in its order and words, and the organiser.
NAMED = (
    "Airport Authority Hong Kong",
    "Marine Department",
    "Food and Environmental Hygiene Department",
    "Architectural Services Department",
    "Civil Engineering and Development Department",
    "Government Property Agency",
    "Government Logistics Department",
    "Highways Department",
    "Environmental Protection Department",
    "Transport Department",
    "Hong Kong Police Force",
    "Fire Services Department",
    "Correctional Services Department",
    "Government Flying Service",
    "Hospital Authority",
    "The Prince Philip Dental Hospital",
    "Department of Health",
    "The Hong Kong University of Science and Technology",
    "E&M trade",
    "Electrical and Mechanical Services Department",
)


@pytest.fixture(scope="module")
def sample() -> Store:
    return Store(SAMPLE_DATA_DIR)


def test_every_organisation_the_newsletter_names_takes_part(sample):
    taking_part = sample.con.execute(
        "select distinct d.name_en from participants as p join departments as d on d.department_id = p.department"
    ).fetchall()
    assert sorted(NAMED) == sorted(name for (name,) in taking_part)


def test_the_sample_numbers(sample):
    """12 visits; 137 delegates (135 before the Marine Department joined GBA-2019-07 and the Food and
    Environmental Hygiene Department joined GBA-2018-02); all 20 departments; 3 cities; 9 categories."""
    row = sample.records("summary")[0]
    assert {k: row[k] for k in ("visits", "delegates", "departments", "cities", "categories")} == {
        "visits": 12,
        "delegates": 137,
        "departments": 20,
        "cities": 3,
        "categories": 9,
    }
    delegations = dict(sample.con.execute("select visit_id, count(*) from participants group by all").fetchall())
    assert (delegations["GBA-2018-02"], delegations["GBA-2019-07"]) == (14, 9)


def test_the_organiser_joins_every_visit(sample, tmp_path: Path):
    without = (
        "select count(*) from visits "
        "where visit_id not in (select visit_id from participants where department = 'EMSD')"
    )
    assert sample.con.execute(without).fetchone() == (0,)
    generate(600, tmp_path, seed=5)
    generated = Store(tmp_path)
    assert generated.con.execute(without).fetchone() == (0,)
    leaders = (
        "select count(*), count(distinct visit_id) from participants where role = 'leader' and department = 'EMSD'"
    )
    assert generated.con.execute(leaders).fetchone() == (40, 40)  # 600 delegates // 15 a visit = 40 visits


def test_every_record_is_marked_illustrative(sample):
    notes = [n for (n,) in sample.con.execute("select notes from visits").fetchall()]
    assert len(notes) == 12 and all(n.startswith("Illustrative sample record") for n in notes)


def test_wording_is_the_newsletters(sample):
    assert i18n.t("type_seminar", "zh") == "專題會議"  # 專題會議, not 專題研討會
    names = dict(sample.con.execute("select category_id, name_en from technologies").fetchall())
    assert "integrated building management systems" in names["smart_buildings"]
    seminars = sample.con.execute("select title_zh from visits where visit_type = 'seminar'").fetchall()
    assert [t.startswith("專題會議") for (t,) in seminars] == [True, True]
