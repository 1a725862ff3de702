import os
from pathlib import Path

import pytest

from tests import known_data

PROJECT = Path(__file__).resolve().parent.parent


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
