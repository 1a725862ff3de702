from datetime import date

from innovisits.data.filters import Filters


def test_url_round_trip():
    f = Filters(date_from=date(2019, 1, 1), cities=("Dongguan", "Shenzhen"), categories=("robotics",))
    query = f.to_query()
    assert query == {"from": "2019-01-01", "city": ["Dongguan", "Shenzhen"], "cat": ["robotics"]}
    assert Filters.from_query(query) == f


def test_from_query_ignores_bad_values_and_normalises():
    f = Filters.from_query({"from": "soon", "city": ["Shenzhen", " Shenzhen ", ""], "dept": "FSD"})
    assert f == Filters(cities=("Shenzhen",), departments=("FSD",))


def test_params_bind_none_for_no_choice():
    assert Filters().params() == dict.fromkeys(("date_from", "date_to", "cities", "departments", "kinds", "categories"))
    assert Filters(kinds=("academia",)).params()["kinds"] == ["academia"]


def test_with_values_sorts_dedupes_and_empties():
    f = Filters().with_values(cities=["b", "a", "b"], departments=None, date_to=None)
    assert f == Filters(cities=("a", "b"))
    assert f.with_values(cities=[]).is_empty()
