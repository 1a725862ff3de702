"""Shared links with dates the date filters cannot show (issue 16, item 4): before the first visit, far in
the future or the past. The page opens with the date left out and a notice, never Streamlit's
ValueBelowMin/ValueAboveMax error; dates within the bounds are kept (AppTest over the known data, whose
first visit is 2019-01-10)."""

from __future__ import annotations

import pytest

from tests import corpus
from tests.app.test_pages import app, metrics

ALL = {"Visits": "4", "Delegates": "10", "Departments": "4", "Cities": "3"}


@pytest.fixture
def known(known_csv_dir, data_env):
    return data_env(known_csv_dir)


@pytest.mark.parametrize(("key", "value"), corpus.LINK_DATES)
def test_an_out_of_range_date_in_a_link_is_dropped_with_a_notice(known, key, value):
    at = app({key: value})
    assert not at.exception
    assert metrics(at) == ALL
    label = {"from": "From", "to": "To"}[key]
    assert [w.value for w in at.sidebar.warning] == [
        f"The link's “{label}” date {value} is outside 2019-01-10 to 2100-12-31, so it was left out."
    ]
    assert at.date_input(key=f"filter_date_{key}").value is None
    assert key not in at.query_params  # the address bar no longer holds it


def test_the_other_filters_of_the_link_are_kept(known):
    at = app({"from": "9999-12-31", "city": "Shenzhen", "lang": "zh"})
    assert not at.exception
    assert metrics(at)["考察次數"] == "2"
    assert "9999-12-31" in at.sidebar.warning[0].value and "已略去" in at.sidebar.warning[0].value


def test_dates_within_the_bounds_are_kept_without_a_notice(known):
    at = app({"from": "2019-01-10", "to": "2100-12-31"})
    assert not at.exception and not at.sidebar.warning
    assert metrics(at) == ALL
    assert at.query_params["from"] == "2019-01-10"


@pytest.mark.parametrize(
    ("key", "value", "bound"), [("from", "0001-01-01", "2019-01-10"), ("to", "9999-12-31", "2100-12-31")]
)
def test_a_date_beyond_the_data_on_its_own_side_means_the_bound(known, key, value, bound):
    """From the year 1 is from the first visit; to 9999 is to the last day the picker offers: the same view."""
    at = app({key: value})
    assert not at.exception and not at.sidebar.warning
    assert metrics(at) == ALL
    assert at.date_input(key=f"filter_date_{key}").value.isoformat() == bound
