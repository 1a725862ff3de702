"""The command line, run as a user runs it: a subprocess with INNOVISITS_DATA_DIR set."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from innovisits.data.filters import Filters
from innovisits.data.store import Store


def run_cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "innovisits", *args], capture_output=True, text=True, env=env, timeout=120
    )


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], {"visits": 4, "delegates": 10, "departments": 4, "cities": 3, "categories": 3}),
        (["--city", "Shenzhen"], {"visits": 2, "delegates": 6, "departments": 3, "cities": 1, "categories": 3}),
        (
            ["--from", "2019-01-15", "--to", "2019-02-28"],
            {"visits": 2, "delegates": 5, "departments": 3, "cities": 2, "categories": 3},
        ),
        (
            ["--city", "Shenzhen", "--city", "Dongguan", "--category", "smart_pv"],
            {"visits": 2, "delegates": 3, "departments": 3, "cities": 2, "categories": 1},
        ),
        (["--department", "FSD"], {"visits": 2, "delegates": 3, "departments": 1, "cities": 1, "categories": 3}),
    ],
)
def test_summary_json(known_csv_dir, cli_env, args, expected):
    result = run_cli(cli_env(known_csv_dir), "summary", "--json", *args)
    assert result.returncode == 0, result.stderr
    got = json.loads(result.stdout)
    assert {k: got[k] for k in expected} == expected


def test_summary_agrees_with_query_layer(known_csv_dir, cli_env):
    result = run_cli(cli_env(known_csv_dir), "summary", "--json", "--kind", "public_body")
    row = Store(known_csv_dir).records("summary", Filters(kinds=("public_body",)))[0]
    assert json.loads(result.stdout)["delegates"] == row["delegates"] == 2


def test_summary_table_has_thousands_separators(tmp_path, cli_env):
    generated = tmp_path / "gen"
    assert run_cli(cli_env(tmp_path), "generate", "--participants", "1500", "--out", str(generated)).returncode == 0
    out = run_cli(cli_env(generated), "summary").stdout
    assert "delegates" in out and "1,500" in out


def test_summary_on_unreadable_data_is_a_clear_error(tmp_path, cli_env):
    (tmp_path / "visits.csv").write_text("visit_id,visit_date,city\nX1,31/31/2019,Shenzhen\n", encoding="utf-8")
    result = run_cli(cli_env(tmp_path), "summary", "--json")
    assert result.returncode == 2
    assert "visits.csv" in result.stderr and "Traceback" not in result.stderr


def test_bad_date_argument_is_refused(known_csv_dir, cli_env):
    result = run_cli(cli_env(known_csv_dir), "summary", "--from", "yesterday")
    assert result.returncode == 2 and "--from" in result.stderr


def test_cli_does_not_import_streamlit(known_csv_dir, cli_env):
    code = "import sys, innovisits.cli.main as c; c.main(['summary']); print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=cli_env(known_csv_dir))
    assert out.stdout.strip().endswith("False")


def test_generate_is_deterministic_and_sized(tmp_path, cli_env):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    for out, seed in ((a, "7"), (b, "7"), (c, "8")):
        result = run_cli(cli_env(tmp_path), "generate", "--participants", "3e3", "--out", str(out), "--seed", seed)
        assert result.returncode == 0, result.stderr
    assert "participants 3,000" in result.stdout
    store_a, store_b, store_c = Store(a), Store(b), Store(c)
    assert store_a.row_counts()["participants"] == 3000
    assert store_a.row_counts()["visits"] == 200  # 15 delegates a visit on average
    assert store_a.records("delegates_by_department") == store_b.records("delegates_by_department")
    assert store_a.records("delegates_by_department") != store_c.records("delegates_by_department")
    scores = {score for _, _, score in store_a.con.table("visit_technologies").fetchall()}
    assert scores == {1, 2, 3, 4, 5}


def test_generate_csv_format(tmp_path, cli_env):
    out = tmp_path / "csv"
    assert (
        run_cli(cli_env(tmp_path), "generate", "--participants", "300", "--out", str(out), "--format", "csv").returncode
        == 0
    )
    assert (out / "participants.csv").exists() and not (out / "participants.parquet").exists()
    assert Store(Path(out)).row_counts()["participants"] == 300
