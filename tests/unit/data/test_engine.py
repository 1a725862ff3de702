"""The engine is chosen by configuration (INNOVISITS_ENGINE): local files by default, object storage through
httpfs, or MotherDuck. The tests prove the switch is honoured from what each choice observably does with real
DuckDB: the local default loads no extension and reads the files; httpfs registers the S3 filesystem on every
connection (tests/test_bucket.py reads a real S3 API with it); motherduck runs its extension's setup (here it
fails: extensions cannot be downloaded, with a message saying what to install); wrong settings are refused."""

import os
import subprocess
import sys

import duckdb
import pytest

from innovisits.cli import main
from innovisits.data import config, engine
from innovisits.data.config import ConfigError
from innovisits.data.store import Store, connect
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


def test_a_url_data_directory_stays_a_url_and_writers_refuse_it(engine_env):
    engine_env(INNOVISITS_ENGINE="httpfs", INNOVISITS_DATA_DIR="s3://bucket/innovisits/")
    assert config.data_location() == "s3://bucket/innovisits"  # not Path's "s3:/bucket/innovisits"
    assert not config.is_sample(config.data_location())
    with pytest.raises(ConfigError, match="local data directory"):
        config.data_dir()


def test_httpfs_registers_the_s3_filesystem_and_still_reads_local_files(known_csv_dir, engine_env):
    """No DuckDB extension is involved (DuckDB 2.0.1 has none on the registry): s3:// goes to s3fs."""
    engine_env(INNOVISITS_ENGINE="httpfs")
    store = Store(known_csv_dir)
    assert loaded_extensions(store.con).isdisjoint(EXTENSIONS)
    assert store.con.list_filesystems() == ["s3"]
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
