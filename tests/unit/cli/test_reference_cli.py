"""`reference`, `ingest --corrections`, `undo` of a batch others build on, and `history`, as staff run them
(subprocesses) on the known data set: Water Supplies Department (水務署) is not in it until staff add it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from innovisits.data.store import Store
from innovisits.ingest import batches, reference
from innovisits.ingest.plan import Upload, prepare
from tests import ingest_files as f
from tests import known_data
from tests.unit.cli.test_cli import run_cli

WSD = ["reference", "add", "department", "WSD", "--en", "Water Supplies Department", "--zh", "水務署"]
REPORT_WSD = f.REPORT.replace("HA,delegate", "水務署,delegate")


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return known_data.build(tmp_path / "data", "csv")


def batch_ids(env: dict) -> list[str]:
    return [b["batch_id"] for b in json.loads(run_cli(env, "history", "--json").stdout)]


def test_reference_added_used_and_withdrawn(data, tmp_path, cli_env):
    env = cli_env(data)
    start = f.tree_hash(data)
    report = f.write(tmp_path, "report.csv", REPORT_WSD)
    refused = run_cli(env, "ingest", str(report))
    assert refused.returncode == 1 and "value '水務署': unknown department" in refused.stderr

    no_kind = run_cli(env, *WSD)
    assert no_kind.returncode == 1 and "a new department needs its kind" in no_kind.stderr
    no_zh = run_cli(env, *WSD[:6], "--kind", "government")
    assert no_zh.returncode == 1 and "both names are required" in no_zh.stderr
    added = run_cli(env, *WSD, "--kind", "government")
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip().endswith("add department WSD (Water Supplies Department / 水務署)")
    assert "WSD  Water Supplies Department  水務署  government" in run_cli(env, "reference", "list").stdout
    assert not (data / "departments.csv").read_text(encoding="utf-8").count("WSD")  # a batch file, not an edit

    stored = run_cli(env, "ingest", str(report))
    assert stored.returncode == 0, stored.stderr
    upload, added_wsd = batch_ids(env)
    blocked = run_cli(env, "undo", added_wsd)
    assert blocked.returncode == 1
    assert f"cannot be withdrawn while later batches build on it: {upload} (uses it)" in blocked.stderr
    assert run_cli(env, "undo", upload).returncode == 0
    assert run_cli(env, "undo", added_wsd).returncode == 0
    assert f.tree_hash(data) == start
    assert run_cli(env, "ingest", "--dry-run", str(report)).returncode == 1  # unknown again


def test_ingest_corrections_prints_each_change_and_history_names_the_visits(data, tmp_path, cli_env):
    env = {**cli_env(data), "INNOVISITS_TIMEZONE": "Asia/Hong_Kong"}
    assert run_cli(env, "ingest", str(f.write(tmp_path, "report.csv", f.REPORT))).returncode == 0
    before = f.tree_hash(data)
    fix = f.write(tmp_path, "fix.csv", "visit_id,visit_date,city,host\nK5,14/3/2019,深圳,Lamp works Ltd\n")
    refused = run_cli(env, "ingest", str(fix))
    assert refused.returncode == 1 and "ingest --corrections" in refused.stderr
    corrected = run_cli(env, "ingest", "--corrections", str(fix))
    assert corrected.returncode == 0, corrected.stderr
    assert corrected.stdout.splitlines() == [
        "change: visits K5, host: Lamp works → Lamp works Ltd",
        corrected.stdout.splitlines()[1],
    ]
    assert "nothing new; corrected visits 1" in corrected.stdout
    ((host,),) = Store(data).con.sql("select host from visits where visit_id = 'K5'").fetchall()
    assert host == "Lamp works Ltd"
    listed = run_cli(env, "history").stdout.splitlines()
    assert "Asia/Hong_Kong" in listed[0] and "visits K5" in listed[0] and "corrected visits 1" in listed[0]
    assert "(fix.csv)" in listed[0] and "(report.csv)" in listed[1]
    stamp = json.loads(run_cli(env, "history", "--json").stdout)[0]["at"]  # UTC in the log: +8 h on screen
    hour = (int(stamp[11:13]) + 8) % 24
    assert f" {hour:02d}:{stamp[14:16]} Asia/Hong_Kong" in listed[0]
    assert run_cli(env, "undo", batch_ids(env)[0]).returncode == 0
    assert f.tree_hash(data) == before


def test_rename_and_alias_are_batches_undone_byte_for_byte(data):
    start = f.tree_hash(data)
    renamed = reference.add(data, reference.Entry("department", "HA", "Hospital Authority HK", "醫院管理局"), "alice")
    assert renamed.action == "rename"
    rows = {r["department_id"]: r for r in reference.listing(data, "department")}
    assert (rows["HA"]["name_en"], rows["HA"]["kind"]) == ("Hospital Authority HK", "public_body")
    alias = reference.add_alias(data, "department", "港醫局", "Hospital Authority HK", "alice")
    report = f.REPORT.replace("HA,delegate", "港醫局,delegate")
    assert prepare([Upload("r.csv", report.encode())], data).ok
    with pytest.raises(reference.ReferenceError, match="already the name of FSD"):
        reference.add(data, reference.Entry("department", "HA", "Fire Services Department", "醫院管理局"), "alice")
    batches.undo(data, alias.batch_id, "alice")
    batches.undo(data, renamed.batch_id, "alice")
    assert f.tree_hash(data) == start
