"""The engine is chosen by configuration (INNOVISITS_ENGINE): local files by default, object storage through
httpfs, or MotherDuck. There is no S3 or MotherDuck here (and DuckDB's extensions cannot be downloaded), so
the tests prove the switch is honoured from what each choice observably does with real DuckDB: the local
default loads no extension and reads the files; httpfs and motherduck run their extension's setup on every
connection (here it fails, with a message saying what to install); the listing that httpfs uses for remote
directories is DuckDB's own, checked against the local listing on local files; wrong settings are refused."""

import os
import subprocess
import sys

import duckdb
import pytest

from innovisits.cli import main
from innovisits.data import config, engine
from innovisits.data.config import ConfigError
from innovisits.data.store import TABLES, Store, connect, data_version, table_files
from tests.conftest import PROJECT

EXTENSIONS = {"httpfs", "aws", "motherduck"}


def loaded_extensions(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.table_function("duckdb_extensions").filter(duckdb.ColumnExpression("loaded"))
    return {name for (name,) in rows.select("extension_name").fetchall()}


@pytest.fixture
def engine_env(monkeypatch):
    def use(**values: str) -> None:
        for name in ("INNOVISITS_ENGINE", "MOTHERDUCK_TOKEN", "motherduck_token", "INNOVISITS_DATA_DIR"):
            monkeypatch.delenv(name, raising=False)
        for name, value in values.items():
            monkeypatch.setenv(name, value)

    return use


def test_local_is_the_default_loads_no_extension_and_reads_the_files(known_dir, engine_env):
    engine_env(INNOVISITS_DATA_DIR=str(known_dir))
    assert engine.configured() == "local"
    store = Store(config.data_location())
    assert loaded_extensions(store.con).isdisjoint(EXTENSIONS)
    summary = store.records("summary")[0]
    assert (summary["visits"], summary["delegates"]) == (4, 10)  # hand-worked in tests/known_data.py
    assert config.data_location() == config.data_dir() == known_dir


def test_duckdbs_listing_finds_exactly_the_files_the_local_listing_finds(known_dir):
    """The listing used for s3:// directories, run on local files: same files, same order, same sizes; the
    bookkeeping folder, deeper files and files of no table are left out, as the local listing does."""
    (known_dir / ".innovisits" / "trash").mkdir(parents=True)
    (known_dir / ".innovisits" / "trash" / "visits.csv").write_text("visit_id\nX\n")
    (known_dir / "visits" / "old").mkdir(parents=True, exist_ok=True)
    (known_dir / "visits" / "old" / "part-9.csv").write_text("visit_id\nX\n")
    (known_dir / "notes.csv").write_text("a\n1\n")
    con = connect()
    for table in TABLES:
        listed = engine.table_files(con, f"{known_dir}/", (table,))
        local = table_files(known_dir, table)
        assert [f.path for f in listed] == [str(p) for p in local.all()]
        assert [f.file_format for f in listed] == ["csv"] * len(local.csv) + ["parquet"] * len(local.parquet)
    listed = engine.table_files(con, str(known_dir), TABLES)
    assert sorted((f.relative_path, f.size) for f in listed) == sorted(v[:2] for v in data_version(known_dir))
    assert len(listed) == len(data_version(known_dir)) > 0


def test_a_url_data_directory_stays_a_url_and_writers_refuse_it(engine_env):
    engine_env(INNOVISITS_ENGINE="httpfs", INNOVISITS_DATA_DIR="s3://bucket/innovisits/")
    assert config.data_location() == "s3://bucket/innovisits"  # not Path's "s3:/bucket/innovisits"
    assert not config.is_sample(config.data_location())
    with pytest.raises(ConfigError, match="local data directory"):
        config.data_dir()


def test_httpfs_runs_the_httpfs_setup_on_the_stores_connection(known_csv_dir, engine_env):
    engine_env(INNOVISITS_ENGINE="httpfs")
    try:
        store = Store(known_csv_dir)
    except ConfigError as error:  # no network for extensions here: the message says what to do
        assert "INNOVISITS_ENGINE=httpfs" in str(error)
        assert "Install the httpfs extension" in str(error)
        assert isinstance(error.__cause__, duckdb.Error) and "httpfs" in str(error.__cause__)
    else:  # a machine that can install it: the extension is loaded and the local files still read
        assert {"httpfs", "aws"} <= loaded_extensions(store.con)
        assert store.records("summary")[0]["visits"] == 4


def test_the_cli_says_what_to_fix_without_a_traceback(engine_env, capsys):
    engine_env(INNOVISITS_ENGINE="postgres")
    assert main.main(["summary"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("error: INNOVISITS_ENGINE must be one of local, httpfs, motherduck, not 'postgres'")
    assert "Traceback" not in error


def test_wrong_settings_fail_when_the_first_connection_opens(engine_env):
    engine_env(INNOVISITS_ENGINE="postgres")
    with pytest.raises(ConfigError, match="local, httpfs, motherduck"):
        connect()
    engine_env(INNOVISITS_ENGINE="MotherDuck")
    with pytest.raises(ConfigError, match="needs MOTHERDUCK_TOKEN"):
        connect()
    engine_env(INNOVISITS_DATA_DIR="s3://bucket/innovisits")
    with pytest.raises(ConfigError, match="set INNOVISITS_ENGINE=httpfs"):
        connect()


def test_motherduck_with_a_token_attaches_through_its_extension(engine_env):
    engine_env(INNOVISITS_ENGINE="motherduck", MOTHERDUCK_TOKEN="dummy-token")
    assert engine.configured() == "motherduck"
    with pytest.raises(ConfigError, match="Install the motherduck extension") as raised:
        connect()  # no extension here, and a dummy token would be refused anyway
    assert "dummy-token" not in str(raised.value)


def test_top_level_streamlit_secrets_reach_the_engine_setting(tmp_path):
    """Streamlit copies top-level secrets.toml keys into the environment when the server loads them, which is
    how a deployment may set INNOVISITS_ENGINE there (the core itself never imports Streamlit)."""
    (tmp_path / ".streamlit").mkdir()
    (tmp_path / ".streamlit" / "secrets.toml").write_text('INNOVISITS_ENGINE = "httpfs"\n')
    code = (
        "from streamlit.runtime.secrets import secrets_singleton\n"
        "from innovisits.data import engine\n"
        "before = engine.configured()\n"
        "secrets_singleton.load_if_toml_exists()\n"
        "print(before, engine.configured())\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "INNOVISITS_ENGINE"}
    env |= {"HOME": str(tmp_path), "PYTHONPATH": str(PROJECT)}
    done = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert done.stdout.split() == ["local", "httpfs"], done.stderr
