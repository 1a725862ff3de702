"""The benchmark's parts on known data: its growth exponent and percentiles on exact numbers, the pandas baseline
against hand-worked answers and the query layer, the bare DuckDB baseline against the query layer under random
filters, the page views against the pages' own code, and one tiny end-to-end run. No timing is asserted (these
machines are noisy); every figure the bench reports is a ratio measured side by side."""

import json
import random
import re
from datetime import date
from pathlib import Path

import pytest

from innovisits.bench import browser, pandas_baseline, worker
from innovisits.bench.run import (
    browser_table,
    browser_targets,
    exponents,
    merge_earlier,
    pandas_skip,
    size_label,
    slope,
)
from innovisits.cli import main
from innovisits.data.filters import Filters
from innovisits.data.generate import generate
from innovisits.data.store import Store
from innovisits.report import views

PROJECT = Path(__file__).resolve().parents[3]


def test_slope_is_the_log_log_exponent():
    assert slope([(10, 100), (100, 10_000), (1000, 1_000_000)]) == pytest.approx(2.0)
    assert slope([(1e4, 8.0), (1e6, 0.8)]) == pytest.approx(-0.5)
    assert slope([(1e4, 3.0), (1e7, 3.0)]) == pytest.approx(0.0)
    assert slope([(1e4, 3.0)]) is None
    assert slope([(1e4, 3.0), (1e4, 5.0)]) is None


def test_growth_exponents_per_step_and_overall():
    # time x10 per x10 rows: linear; then x100 per x10: quadratic; a skipped size (None) is left out
    got = exponents([(1e4, 1.0), (1e5, 10.0), (1e6, 100.0)])
    assert got["overall"] == pytest.approx(1.0)
    assert got["steps"] == {"10^4→10^5": pytest.approx(1.0), "10^5→10^6": pytest.approx(1.0)}
    got = exponents([(1e6, 100.0), (1e4, 1.0), (1e5, 10.0), (1e7, 10_000.0), (1e8, None)])
    assert list(got["steps"]) == ["10^4→10^5", "10^5→10^6", "10^6→10^7"]
    assert got["steps"]["10^6→10^7"] == pytest.approx(2.0)
    assert got["overall"] == pytest.approx(1.3)  # least squares over log10 rows 4..7 and log10 y 0, 1, 2, 4
    assert exponents([(1e4, 1.0), (1e5, None)]) == {"steps": {}, "overall": None}
    assert size_label(1e8) == "10^8" and size_label(2000) == "2,000"


def test_pandas_is_skipped_only_when_it_cannot_fit():
    gib = 2**30
    assert pandas_skip(10_000_000, 20 * gib) is None  # 2.4 GiB of 10 GiB (half of what is available)
    assert pandas_skip(100_000_000, 20 * gib) == "skipped: would need ~24 GiB (20 GiB available)"


def test_an_earlier_run_adds_the_sizes_not_measured_now():
    def run(size, fmt):
        return {"size": size, "format": fmt, "store": {"rss_mb": 1.0}}

    now = {"sizes": [100], "runs": [run(100, "parquet")], "latency": {"100": "new"}, "open": {"100": "new"}}
    earlier = {
        "machine": {"nproc": 2},
        "runs": [run(10, "parquet"), run(10, "csv"), run(100, "parquet"), run(1, "csv")],
        "latency": {"10": "old", "100": "old"},
        "open": {"1": "old", "100": "old"},
    }
    merge_earlier(now, earlier, Path("earlier.json"))
    expected = [(1, "csv"), (10, "parquet"), (10, "csv"), (100, "parquet")]
    assert [(r["size"], r["format"]) for r in now["runs"]] == expected
    assert now["latency"] == {"10": "old", "100": "new"} and now["open"] == {"1": "old", "100": "new"}
    assert now["sizes"] == [1, 10, 100]
    assert now["reused"] == {"from": "earlier.json", "sizes": [1, 10], "machine": {"nproc": 2}}


def test_percentile_on_exact_values():
    values = [float(v) for v in range(1, 102)]  # 1..101: the p-th percentile is p + 1
    assert worker.percentile(values, 0.5) == 51
    assert worker.percentile(values, 0.95) == 96
    assert worker.percentile([0.25], 0.95) == 0.25


def test_browser_figures_on_exact_samples():
    """p50 and p95 of each action the first time and again, the queries' share of the first median, and target
    10's verdicts: p95 the first time against 0.5 s on the sample data and 1 s on the largest size."""
    slow = browser.summarise({"filter": {"first": [float(v) for v in range(1, 22)], "again": [0.5] * 21}})
    first = slow["filter"]["first"]
    assert (first["n"], first["p50_s"], first["p95_s"]) == (21, 11, 20)  # 1..21: the p-th percentile is 1 + p/5
    assert slow["filter"]["query_share"] == pytest.approx((11 - 0.5) / 11)
    fast = browser.summarise({"slide": {"first": [0.4, 0.45, 0.9], "again": [0.1, 0.2, 0.3]}, "page": {"first": []}})
    assert fast["slide"]["first"]["p95_s"] == pytest.approx(0.855) and fast["page"] == {}
    got = browser_targets({"sample": {"actions": fast}, "10000000": {"actions": slow}})
    assert [(t["target"], t["goal"], t["reached"]) for t in got] == [
        ("10 browser: slide to last chart drawn, p95, sample data", "≤ 0.5 s", False),
        ("10 browser: page to last chart drawn, p95, sample data", "≤ 0.5 s", False),
        ("10 browser: filter to last chart drawn, p95, parquet, 10,000,000", "≤ 1 s", False),
    ]
    assert browser_targets({"10000000": {"actions": fast}})[0]["reached"]  # 0.855 s ≤ 1 s
    table = browser_table({"sample": {"actions": slow}}).splitlines()
    cells = [cell.strip() for cell in table[2].split("|")[1:-1]]
    assert cells == ["sample", "filter", "21", "11", "20", "0.5", "0.5", "0.955"]


def test_digest_ignores_row_order_but_not_values():
    import pandas as pd

    a = pd.DataFrame({"k": ["x", "y"], "n": [1, 2]})
    assert worker.digest(a) == worker.digest(a.iloc[::-1])
    assert worker.digest(a) != worker.digest(a.assign(n=[1, 3]))
    assert worker.digest(a.assign(n=[1.0, 2.0])) == worker.digest(a)  # int or float engines agree


def test_pandas_baseline_hand_worked_answers(known_dir):
    got = pandas_baseline.answers(pandas_baseline.load(known_dir))
    summary = got["summary"].iloc[0]
    assert (summary["visits"], summary["delegates"], summary["departments"], summary["cities"]) == (4, 10, 4, 3)
    assert summary["first_visit_date"].date() == date(2019, 1, 10)
    by_department = got["delegates_by_department"].set_index("department")
    # EMSD on K1, K2, K3; FSD twice on K1 and on K3; HA on K1 and K4; HKUST twice on K2
    assert by_department[["delegates", "visits"]].to_dict("index") == {
        "EMSD": {"delegates": 3, "visits": 3},
        "FSD": {"delegates": 3, "visits": 2},
        "HA": {"delegates": 2, "visits": 2},
        "HKUST": {"delegates": 2, "visits": 1},
    }
    by_category = got["visits_by_category"].set_index("category_id")
    # robotics on K1 (4 delegates, score 5) and K3 (2, score 3); IoT K1 (4, 4), K2 (3, 3); PV K3 (2, 4), K4 (1, 2)
    assert by_category["delegates_exposed"].to_dict() == {"robotics": 6, "iot_data_platforms": 7, "smart_pv": 3}
    assert by_category["mean_interest_score"].to_dict() == {"robotics": 4.0, "iot_data_platforms": 3.5, "smart_pv": 3.0}
    by_month = got["visits_by_month"]
    assert by_month["visits"].tolist() == [2, 1, 1] and by_month["delegates"].tolist() == [7, 2, 1]


def test_pandas_baseline_equals_the_query_layer(known_dir):
    """Every answer pandas computes is the query layer's, value for value."""
    layer = worker.run_views(worker.store_runner(Store(known_dir)), 1, worker.ANALYTIC_PAGES)["compared"]
    pandas = worker.measure_pandas(known_dir, 1)["compared"]
    assert set(pandas) == set(pandas_baseline.COMPARED)
    assert layer == pandas


def test_bare_duckdb_answers_like_the_query_layer(tmp_path):
    """Random filter combinations: every page's answers through the store equal the same SQL on the bare
    connection over the same files."""
    generate(3000, tmp_path, seed=3, file_format="csv")
    store, raw = Store(tmp_path), worker.raw_runner(worker.raw_connection(tmp_path))
    rng = random.Random(1)
    combos = [Filters(), *(worker.random_filters(store, rng) for _ in range(6))]
    assert any(f.departments or f.kinds for f in combos) and any(f.categories for f in combos)
    for filters in combos:
        for page in views.PAGES:
            mine = views.view(worker.store_runner(store), page, filters)
            theirs = views.view(raw, page, filters)
            assert mine.keys() == theirs.keys()
            assert {k: worker.digest(v) for k, v in mine.items()} == {k: worker.digest(v) for k, v in theirs.items()}


def test_pages_take_their_queries_from_the_views():
    """The bench replays `report.views`; that is the pages' data only if no page (nor the sidebar) runs a query
    of its own. Every benchmarked page exists and asks its view for its data."""
    for page in views.PAGES:
        source = (PROJECT / "pages" / f"{page}.py").read_text(encoding="utf-8")
        assert "views." in source, page
    for script in [*(PROJECT / "pages").rglob("*.py"), PROJECT / "innovisits" / "ui" / "sidebar.py"]:
        source = script.read_text(encoding="utf-8")
        assert not re.findall(r'(?:query|records)\(\s*"\w+"', source), script


def test_views_run_every_query_they_declare(known_dir):
    """On arrival, every page's view runs on the known data; together they cover the sidebar and the pages."""
    ran: set[str] = set()

    def record(name, filters, values):
        ran.add(name)
        return worker.store_runner(store)(name, filters, values)

    store = Store(known_dir)
    for page in views.PAGES:
        assert views.view(record, page, Filters())
    sidebar = {"filter_cities", "filter_departments", "filter_categories", "date_span"}
    overview = {"summary", "visits_by_month", "delegates_by_department", "visits_by_category", "visit_list"}
    participation = {"delegates_by_kind", "delegates_by_department_city", "delegates_by_kind_month"}
    explorer = {"visit", "visit_delegation", "visit_categories"}
    insights = {"interest_by_city_category", "trends", "affinity", "follow_up_funnel", "follow_up_list"}
    assert ran == sidebar | overview | participation | explorer | insights | {"visits_by_city", "map_outline"}


@pytest.mark.slow
def test_bench_end_to_end(tmp_path, capsys):
    out = tmp_path / "bench.json"
    args = ["bench", "--sizes", "1e3,2e3", "--work", str(tmp_path / "work"), "--out", str(out)]
    main.main([*args, "--combos", "3", "--batches", "40", "--rounds", "1", "--no-browser"])  # browser: tests/browser
    report = json.loads(out.read_text(encoding="utf-8"))
    assert [(r["size"], r["format"]) for r in report["runs"]] == [
        (1000, "parquet"),
        (1000, "csv"),
        (2000, "parquet"),
        (2000, "csv"),
    ]
    assert report["skipped"] == []
    for run in report["runs"]:
        assert run["identical"] == {"store_vs_raw": True, "store_vs_pandas": True, "answers_compared_with_pandas": 10}
        assert run["ratios"]["queries_vs_raw"] == run["store"]["views_s"] / run["raw"]["views_s"]
        assert set(run["store"]["pages_s"]) == set(views.PAGES)
        assert all(run[m]["rss_mb"] > 0 for m in ("store", "raw", "pandas"))
    assert report["latency"]["2000"]["combos"] == 3
    assert report["cold_start"]["sample"]["metrics"]["Visits"] == "12"
    assert report["cold_start"]["2000"]["metrics"]["Delegates"] == "2,000"
    assert report["small_files"]["files"] > 1 and report["small_files"]["identical"]
    assert report["ingest"]["stored_rows"] == report["ingest"]["duckdb_copy_rows"] == 2000
    for fmt in ("parquet", "csv"):
        assert report["growth"][fmt]["layer queries s"]["steps"].keys() == {"10^3→2,000"}
        assert report["growth"][fmt]["layer queries s"]["overall"] is not None
    assert report["growth"]["parquet"]["serving peak RSS MB"]["overall"] is not None
    for opened in report["open"].values():  # a process on an unchanged version, against bare DuckDB
        assert opened["identical"] and opened["answers"]["delegates"] in (1000, 2000)
    assert report["upload"]["shown"] and report["upload"]["rows"] == 1000
    assert "browser" not in report
    assert {t["target"].split()[0] for t in report["targets"]} == {str(n) for n in range(1, 10)} | {"11"}
    assert all(isinstance(t["reached"], bool) for t in report["targets"])
    printed = capsys.readouterr().out
    assert "| target" in printed and re.search(
        r"2 identical answers \(layer, raw, and pandas where it ran\), every run +\| yes", printed
    )
