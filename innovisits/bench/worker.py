"""One measurement in its own process, so its peak memory and cold state are its own:
`python -m innovisits.bench.worker METHOD DIR` prints one JSON object (timings in seconds, answer digests,
peak RSS). Only the store's public API is used, so the harness follows the store whatever its internals."""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import resource
import statistics
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from innovisits.bench import pandas_baseline
from innovisits.data import sql
from innovisits.data.filters import Filters
from innovisits.data.store import DERIVED_SETUP, TABLES, Store, connect, schema, table_files
from innovisits.report import views

ANALYTIC_PAGES = ("overview", "participation", "interest")  # the pages whose answers pandas recomputes
LATENCY_PAGE = "overview"  # the page a filter change is timed on (the landing page)


def canonical(value: Any) -> Any:
    """One plain value whatever the engine returned (numpy ints, timestamps, NaN)."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp | datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float):
        return int(value) if value.is_integer() else round(value, 6)
    return value


def digest(frame: pd.DataFrame, columns: list[str] | None = None) -> str:
    """A fingerprint of an answer's rows (in any order) over `columns`: equal answers, equal digests."""
    frame = frame if columns is None else frame[columns]
    rows = sorted(json.dumps([canonical(v) for v in row], ensure_ascii=False) for row in frame.itertuples(index=False))
    return hashlib.sha256(json.dumps([list(frame.columns), rows]).encode()).hexdigest()[:16]


def peak_rss_mb() -> float:
    """This process's peak resident memory (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


Execute = Callable[[str, Filters, dict[str, Any]], pd.DataFrame]


class Timed:
    """A runner that adds up the seconds each named query takes."""

    def __init__(self, execute: Execute) -> None:
        self.execute = execute
        self.seconds: dict[str, float] = {}

    def __call__(self, name: str, filters: Filters, values: dict[str, Any]) -> pd.DataFrame:
        start = time.perf_counter()
        frame = self.execute(name, filters, values)
        self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - start
        return frame


def run_views(execute: Execute, repeats: int, pages: tuple[str, ...] = views.PAGES) -> dict[str, Any]:
    """Every page's unfiltered view `repeats` times: seconds per page and per query (best run) and the answers'
    digests. `views_s` adds up each query's best time: a neighbour's burst of work on a shared machine spoils
    single queries, and the best of each is the most robust figure to compare."""
    seconds: dict[str, float] = {}
    keys: dict[str, float] = {}
    answers: dict[str, pd.DataFrame] = {}
    with views.one_at_a_time():  # each query's seconds its own (the filter changes run them side by side)
        for _ in range(repeats):
            for page in pages:
                start = time.perf_counter()
                timed = Timed(execute)
                got = views.view(timed, page, Filters())
                seconds[page] = min(seconds.get(page, math.inf), time.perf_counter() - start)
                answers.update({f"{page}.{k}": v for k, v in got.items()})
                for key in got:
                    keys[f"{page}.{key}"] = min(keys.get(f"{page}.{key}", math.inf), timed.seconds.get(key, 0.0))
    return {
        "pages_s": seconds,
        "views_s": sum(keys.values()),
        "queries_s": keys,
        "digests": {k: digest(v) for k, v in sorted(answers.items())},
        "compared": compared_digests(answers),
    }


def compared_digests(answers: dict[str, pd.DataFrame]) -> dict[str, str]:
    """Digests over the columns the pandas baseline computes, one per pandas answer key."""
    out = {}
    for key, frame in answers.items():
        page, name = key.split(".", 1)
        if page in ANALYTIC_PAGES and name in pandas_baseline.COMPARED:
            out.setdefault(name, digest(frame, pandas_baseline.COMPARED[name]))
    return out


def store_runner(store: Store) -> Execute:
    """The query layer as the pages use it (`ui.query`): `Store.execute` to a DataFrame."""
    return lambda name, filters, values: store.execute(name, filters, **values).df()


def measure_store(data_dir: Path, repeats: int) -> dict[str, Any]:
    start = time.perf_counter()
    store = Store(data_dir)
    load = time.perf_counter() - start
    return {"load_s": load, **run_views(store_runner(store), repeats), "rss_mb": peak_rss_mb()}


def raw_connection(data_dir: Path) -> duckdb.DuckDBPyConnection:
    """A bare DuckDB connection over the same files: the data model's tables (`setup/schema`), each filled with
    a plain `insert into <table> select <columns> from read_parquet/read_csv(<files>)`, then the same setup
    SQL the store runs after loading. No name matching, casts or checks of the store's own."""
    con = connect()
    con.execute(sql.load("setup/schema"))
    for table in TABLES:
        files = table_files(data_dir, table)
        columns = [c.name for c in schema()[table]]
        if files.csv:
            con.read_csv([str(p) for p in files.csv], header=True, union_by_name=True).select(*columns).insert_into(
                table
            )
        if files.parquet:
            con.read_parquet([str(p) for p in files.parquet], union_by_name=True).select(*columns).insert_into(table)
    for name in DERIVED_SETUP:
        con.execute(sql.load(name))
    return con


def raw_runner(con: duckdb.DuckDBPyConnection) -> Execute:
    """The same SQL text with the same bound values, straight on the connection (a cursor per call, as the
    store: a view's queries may run side by side)."""

    def execute(name: str, filters: Filters, values: dict[str, Any]) -> pd.DataFrame:
        return sql.run(con.cursor(), name, {**filters.params(), **values}).df()

    return execute


def measure_raw(data_dir: Path, repeats: int) -> dict[str, Any]:
    start = time.perf_counter()
    con = raw_connection(data_dir)
    load = time.perf_counter() - start
    return {"load_s": load, **run_views(raw_runner(con), repeats), "rss_mb": peak_rss_mb()}


def measure_pandas(data_dir: Path, repeats: int) -> dict[str, Any]:
    start = time.perf_counter()
    tables = pandas_baseline.load(data_dir)
    load = time.perf_counter() - start
    best = math.inf
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        got = pandas_baseline.answers(tables)
        best = min(best, time.perf_counter() - start)
    compared = {k: digest(v, pandas_baseline.COMPARED[k]) for k, v in got.items()}
    return {"load_s": load, "compute_s": best, "compared": compared, "rss_mb": peak_rss_mb()}


def random_filters(store: Store, rng: random.Random) -> Filters:
    """A filter combination a manager might pick from the sidebar's own choices: some of a date range, cities,
    kinds, departments and categories."""
    span = store.records("date_span")[0]
    cities = [r["city"] for r in store.records("filter_cities") if r["visits"]]
    departments = store.records("filter_departments")
    categories = [r["category_id"] for r in store.records("filter_categories")]
    values: dict[str, Any] = {}
    if span["first_visit_date"] and rng.random() < 0.5:
        days = (span["last_visit_date"] - span["first_visit_date"]).days
        values["date_from"] = span["first_visit_date"] + timedelta(days=rng.randint(0, days))
        values["date_to"] = values["date_from"] + timedelta(days=rng.randint(30, 1500))
    if cities and rng.random() < 0.5:
        values["cities"] = rng.sample(cities, min(len(cities), rng.randint(1, 3)))
    if departments and rng.random() < 0.3:
        values["kinds"] = rng.sample(sorted({r["kind"] for r in departments}), 1)
    if departments and rng.random() < 0.3:
        values["departments"] = rng.sample([r["department_id"] for r in departments], min(len(departments), 2))
    if categories and rng.random() < 0.4:
        values["categories"] = rng.sample(categories, min(len(categories), rng.randint(1, 2)))
    return Filters().with_values(**values)


def percentile(values: list[float], share: float) -> float:
    """The `share` quantile (inclusive method: p95 of 30 samples lies between the two slowest)."""
    if len(values) < 2:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


def measure_latency(data_dir: Path, combos: int, seed: int) -> dict[str, Any]:
    """Seconds from a filter change to every query result of the Overview and the sidebar: `cold` the first
    time a combination is asked of the running store, `warm` the same combination again (DuckDB's buffers
    hot; the app itself would answer a repeat from Streamlit's result cache)."""
    store = Store(data_dir)
    run = store_runner(store)
    rng = random.Random(seed)
    samples: dict[str, list[float]] = {"cold": [], "warm": []}
    for _ in range(combos):
        filters = random_filters(store, rng)
        for values in samples.values():
            start = time.perf_counter()
            views.view(run, LATENCY_PAGE, filters)
            values.append(time.perf_counter() - start)
    out: dict[str, Any] = {"combos": combos, "page": LATENCY_PAGE, "rss_mb": peak_rss_mb()}
    for state, values in samples.items():
        out[state] = {"p50_s": percentile(values, 0.5), "p95_s": percentile(values, 0.95), "max_s": max(values)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("method", choices=("store", "raw", "pandas", "latency"))
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--combos", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.method == "store":
        result = measure_store(args.data_dir, args.repeats)
    elif args.method == "raw":
        result = measure_raw(args.data_dir, args.repeats)
    elif args.method == "pandas":
        result = measure_pandas(args.data_dir, args.repeats)
    else:
        result = measure_latency(args.data_dir, args.combos, args.seed)
    print(json.dumps(result))


if __name__ == "__main__":
    main()
