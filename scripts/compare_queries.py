"""Check that rewritten SQL gives the answers the earlier SQL gave: each named query, as an earlier commit had it
and as the working tree has it, run on the same in-memory store (the working tree's setup, which keeps every
table the earlier queries read) with the same bound values, for the bench's random sidebar choices plus fixed
edge cases. Prints the number of answers compared and every difference (same columns, types and rows; answers
whose rows are equal in another order are counted apart: rows tied on a query's `order by` come in any order,
from either SQL). Usage: `python scripts/compare_queries.py DATA_DIR [--commit REV] [--sets N] [--queries a,b]`."""

from __future__ import annotations

import argparse
import random
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pandas as pd

PROJECT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(PROJECT))

from innovisits.bench.worker import random_filters  # noqa: E402
from innovisits.data import sql  # noqa: E402
from innovisits.data.filters import Filters  # noqa: E402
from innovisits.data.store import Store  # noqa: E402
from innovisits.report import insights  # noqa: E402

QUERIES = ("affinity", "delegates_by_kind", "follow_up_funnel", "follow_up_list")
EXTRA = {"min_support": insights.MIN_SUPPORT, "min_lift": insights.MIN_LIFT}
_PARAMETER = re.compile(r"\$([a-z_][a-z0-9_]*)")


def earlier_sql(commit: str, name: str) -> str:
    """A query's text at `commit`."""
    return subprocess.run(
        ["git", "show", f"{commit}:queries/{name}.sql"], check=True, capture_output=True, text=True
    ).stdout


def run(store: Store, text: str, values: dict[str, Any]) -> pd.DataFrame:
    """The query text with the values it binds (as `sql.run` does)."""
    wanted = set(_PARAMETER.findall("\n".join(line.split("--", 1)[0] for line in text.splitlines())))
    return store.con.cursor().execute(text, {k: values[k] for k in wanted}).df()


def sorted_rows(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows in one order whatever order they came in."""
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def edge_filters(store: Store) -> list[Filters]:
    """No filter; each kind alone; the departments with the largest keys (those on the shared mask bit when
    there are more than 126); one category; a range with no visits; one month."""
    departments = [r["department_id"] for r in store.records("filter_departments")]
    kinds = sorted({r["kind"] for r in store.records("filter_departments")})
    categories = [r["category_id"] for r in store.records("filter_categories")]
    first = store.records("date_span")[0]["first_visit_date"]
    largest = [r[0] for r in store.con.table("department_keys").order("dk desc").select("department").fetchall()]
    sets = [Filters(), Filters().with_values(departments=largest[:3])]
    sets += [Filters().with_values(categories=categories[-1:])]
    sets += [Filters().with_values(kinds=[kind]) for kind in kinds]
    sets += [Filters().with_values(departments=departments[:1], categories=categories[:2])]
    sets += [Filters().with_values(date_from=first - timedelta(days=400), date_to=first - timedelta(days=10))]
    sets += [Filters().with_values(date_from=first.replace(day=1), date_to=first.replace(day=28), kinds=kinds[:1])]
    return sets


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--commit", default="d86494e")
    parser.add_argument("--sets", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--queries", default=",".join(QUERIES))
    args = parser.parse_args(argv)
    store = Store(args.data_dir, in_memory=True)
    rng = random.Random(args.seed)
    filter_sets = edge_filters(store) + [random_filters(store, rng) for _ in range(args.sets)]
    compared = differences = reordered = 0
    for name in args.queries.split(","):
        before = earlier_sql(args.commit, name)
        for filters in filter_sets:
            values = {**filters.params(), **EXTRA}
            old, new = run(store, before, values), run(store, sql.load(name), values)
            compared += 1
            if list(old.columns) == list(new.columns) and list(old.dtypes) == list(new.dtypes) and old.equals(new):
                continue
            if list(old.dtypes) == list(new.dtypes) and sorted_rows(old).equals(sorted_rows(new)):
                reordered += 1
                continue
            differences += 1
            print(f"DIFFERENT {name} {filters.params()}\n{old}\n{old.dtypes}\n{new}\n{new.dtypes}")
    print(
        f"{args.data_dir}: {len(filter_sets)} filter sets, {compared} answers compared, {differences} differences"
        f" ({reordered} with tied rows in another order)"
    )
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
