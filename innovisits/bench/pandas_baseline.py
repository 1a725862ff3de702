"""The usual Streamlit approach, for comparison: read the files into pandas and compute the same answers with
merge and groupby. pandas is the point here (this is the baseline, not the dashboard)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from innovisits.data.store import SUMMARY_KEYS, table_files

# Each answer this baseline computes, and the columns compared with the query layer's answer of the same key.
COMPARED = {
    "summary": [*SUMMARY_KEYS, "first_visit_date", "last_visit_date"],
    "visits_by_month": ["month", "visits", "delegates"],
    "delegates_by_department": ["department", "kind", "delegates", "visits", "cities"],
    "visits_by_category": ["category_id", "visits", "delegates_exposed", "mean_interest_score"],
    "visit_list": ["visit_id", "visit_date", "city", "delegates", "departments"],
    "delegates_by_kind": ["kind", "delegates", "visits", "departments"],
    "delegates_by_department_city": ["department", "city", "delegates", "visits"],
    "delegates_by_kind_month": ["month", "kind", "delegates"],
    "interest_by_city_category": ["city", "category_id", "visits", "delegates_exposed", "mean_interest_score"],
    "visits_by_category_city": ["category_id", "visits", "delegates_exposed", "mean_interest_score"],
}


def load(data_dir) -> dict[str, pd.DataFrame]:
    """Every table as a DataFrame, as a typical dashboard reads it (CSV as text, then the types it needs)."""
    tables = {}
    for table in ("departments", "visits", "participants", "visit_technologies"):
        files = table_files(data_dir, table)
        parts = [pd.read_csv(p, dtype=str, keep_default_na=False) for p in files.csv]
        parts += [pd.read_parquet(p) for p in files.parquet]
        tables[table] = pd.concat(parts, ignore_index=True)
    tables["visits"]["visit_date"] = pd.to_datetime(tables["visits"]["visit_date"])
    vt = tables["visit_technologies"]
    vt["interest_score"] = pd.to_numeric(vt["interest_score"].replace("", None))
    return tables


def _round(values: pd.Series) -> pd.Series:
    """Round half away from zero to 2 places, as SQL's round() does."""
    return np.sign(values) * np.floor(values.abs() * 100 + 0.5) / 100


def _interest(vt: pd.DataFrame, per_visit: pd.Series, keys: list[str]) -> pd.DataFrame:
    seen = vt.assign(delegates=vt["visit_id"].map(per_visit).fillna(0))
    out = seen.groupby(keys).agg(
        visits=("visit_id", "nunique"),
        delegates_exposed=("delegates", "sum"),
        mean_interest_score=("interest_score", "mean"),
    )
    return out.reset_index().assign(mean_interest_score=lambda d: _round(d["mean_interest_score"]))


def answers(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """The unfiltered Overview, Participation and Interest answers (the interest page's ranking is for the most
    visited city, its default)."""
    visits = tables["visits"][["visit_id", "visit_date", "city"]]
    kinds = tables["departments"][["department_id", "kind"]]
    delegates = (
        tables["participants"][["visit_id", "department"]]
        .merge(visits, on="visit_id")
        .merge(kinds, left_on="department", right_on="department_id", how="left")
    )
    delegates["kind"] = delegates["kind"].fillna("unknown")
    delegates["month"] = delegates["visit_date"].dt.to_period("M").dt.to_timestamp()
    vt = tables["visit_technologies"].merge(visits, on="visit_id")
    per_visit = delegates.groupby("visit_id").size()
    out: dict[str, pd.DataFrame] = {}
    out["summary"] = pd.DataFrame(
        [
            {
                "visits": len(visits),
                "delegates": len(delegates),
                "departments": delegates["department"].nunique(),
                "cities": visits["city"].nunique(),
                "categories": vt["category_id"].nunique(),
                "first_visit_date": visits["visit_date"].min(),
                "last_visit_date": visits["visit_date"].max(),
            }
        ]
    )
    by_month = visits.groupby(visits["visit_date"].dt.to_period("M").dt.to_timestamp().rename("month")).size()
    # Every month from the first to the last, an empty one as zeros.
    months = pd.date_range(by_month.index.min(), by_month.index.max(), freq="MS", name="month")
    out["visits_by_month"] = (
        by_month.reindex(months, fill_value=0)
        .rename("visits")
        .to_frame()
        .join(delegates.groupby("month").size().rename("delegates"))
        .fillna({"delegates": 0})
        .reset_index()
    )
    out["delegates_by_department"] = (
        delegates.groupby("department")
        .agg(
            kind=("kind", "first"),
            delegates=("visit_id", "size"),
            visits=("visit_id", "nunique"),
            cities=("city", "nunique"),
        )
        .reset_index()
    )
    out["visits_by_category"] = _interest(vt, per_visit, ["category_id"])
    newest = visits.sort_values(["visit_date", "visit_id"], ascending=[False, True]).head(5)
    departments_per_visit = delegates.groupby("visit_id")["department"].nunique()
    out["visit_list"] = newest.assign(
        delegates=newest["visit_id"].map(per_visit).fillna(0),
        departments=newest["visit_id"].map(departments_per_visit).fillna(0),
    )
    out["delegates_by_kind"] = (
        delegates.groupby("kind")
        .agg(delegates=("visit_id", "size"), visits=("visit_id", "nunique"), departments=("department", "nunique"))
        .reset_index()
    )
    out["delegates_by_department_city"] = (
        delegates.groupby(["department", "city"])
        .agg(delegates=("visit_id", "size"), visits=("visit_id", "nunique"))
        .reset_index()
    )
    out["delegates_by_kind_month"] = (
        delegates.groupby(["month", "kind"])
        .size()
        .reindex(pd.MultiIndex.from_product([months, sorted(delegates["kind"].unique())]), fill_value=0)
        .rename_axis(["month", "kind"])
        .rename("delegates")
        .reset_index()
    )
    out["interest_by_city_category"] = _interest(vt, per_visit, ["city", "category_id"])
    if len(visits):
        counts = visits.groupby("city").size().reset_index(name="n").sort_values(["n", "city"], ascending=[False, True])
        city = counts["city"].iloc[0]
        out["visits_by_category_city"] = _interest(vt[vt["city"] == city], per_visit, ["category_id"])
    return out
