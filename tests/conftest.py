import os
from pathlib import Path

import pytest

from innovisits import i18n
from tests import known_data

PROJECT = Path(__file__).resolve().parent.parent
# A text key missing from every locale file raises (in this process, and in the app and CLI it starts).
os.environ[i18n.STRICT_ENV] = "1"


@pytest.fixture(autouse=True)
def _own_cache_dir(monkeypatch, tmp_path_factory):
    """Every store writes its snapshot file: into the test session's own cache directory, not the user's."""
    monkeypatch.setenv("INNOVISITS_CACHE_DIR", str(tmp_path_factory.getbasetemp() / "innovisits-cache"))


@pytest.fixture(params=known_data.LAYOUTS)
def known_dir(request, tmp_path: Path) -> Path:
    """The known data set in each layout the store reads (CSV only, Parquet only, mixed)."""
    return known_data.build(tmp_path / "data", request.param)


@pytest.fixture
def known_csv_dir(tmp_path: Path) -> Path:
    return known_data.build(tmp_path / "data", "mixed")


@pytest.fixture
def data_env(monkeypatch):
    """Point INNOVISITS_DATA_DIR at a directory for the code under test."""

    def use(directory: Path) -> Path:
        monkeypatch.setenv("INNOVISITS_DATA_DIR", str(directory))
        return directory

    return use


@pytest.fixture
def cli_env():
    def env(directory: Path) -> dict[str, str]:
        return {**os.environ, "INNOVISITS_DATA_DIR": str(directory), "PYTHONPATH": str(PROJECT)}

    return env


@pytest.fixture(scope="session")
def s3_server():
    """One loopback S3 server for the session (each test makes its own bucket)."""
    from tests.s3_server import S3Server

    server = S3Server()
    yield server
    server.stop()


@pytest.fixture
def s3_env(s3_server, monkeypatch):
    """Point this process at the loopback S3 server (engine httpfs, standard AWS settings); returns it."""
    for name, value in {**s3_server.env, "INNOVISITS_ENGINE": "httpfs"}.items():
        monkeypatch.setenv(name, value)
    return s3_server
