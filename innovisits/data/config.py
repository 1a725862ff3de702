"""Where things live. Read from the environment so tests, the CLI and deployments point at any data."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
QUERIES_DIR = PROJECT_DIR / "queries"
SAMPLE_DATA_DIR = PROJECT_DIR / "data"


class ConfigError(ValueError):
    """A setting is wrong or missing; the message names it and says how to fix it."""


def is_url(location: Path | str) -> bool:
    """True for a data directory on object storage (`s3://bucket/prefix`, `https://...`), read through DuckDB."""
    return "://" in str(location)


def location(value: Path | str) -> Path | str:
    """A data directory as given: a URL stays a string (a Path would fold `s3://` into `s3:/`), else a Path."""
    return str(value).rstrip("/") if is_url(value) else Path(value).expanduser()


def data_location() -> Path | str:
    """Where the tables are read from: `INNOVISITS_DATA_DIR` (a local directory, or a URL with
    INNOVISITS_ENGINE=httpfs), else the bundled sample data. For readers: the store, summary, the pack."""
    configured = os.environ.get("INNOVISITS_DATA_DIR", "").strip()
    return location(configured) if configured else SAMPLE_DATA_DIR


def data_dir() -> Path:
    """The data directory on this machine, for writers (ingest, undo, history, backup, restore): they rely on
    a POSIX file system's lock and atomic rename, which object storage lacks, so a URL is refused."""
    found = data_location()
    if isinstance(found, str):
        raise ConfigError(
            f"INNOVISITS_DATA_DIR is on object storage ({found}): uploads, undo, history, backup and restore need "
            "a local data directory; run them on the one writer machine and copy the result to the bucket "
            "(see the README's deployment section)"
        )
    return found


def cache_dir() -> Path:
    """Where the snapshot database files of data directories are kept: `INNOVISITS_CACHE_DIR`, else the user's
    cache directory. Point it at fast local disk; deleting it at any time only costs a rebuild."""
    configured = os.environ.get("INNOVISITS_CACHE_DIR", "").strip()
    if configured:
        return Path(configured).expanduser()
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "innovisits"


def memory_limit() -> str:
    """DuckDB's memory limit for the store (`INNOVISITS_MEMORY_LIMIT`, e.g. `2GB`): beyond it DuckDB pages
    table data and intermediate results out to disk instead of growing."""
    return os.environ.get("INNOVISITS_MEMORY_LIMIT", "").strip() or "512MB"


def is_sample(where: Path | str) -> bool:
    """True when `where` is the bundled sample data (pages and slides then say so)."""
    return not is_url(where) and Path(where).resolve() == SAMPLE_DATA_DIR.resolve()


STREAMLIT_CONFIG = PROJECT_DIR / ".streamlit" / "config.toml"
ALIASES_FILE = SAMPLE_DATA_DIR / "aliases.csv"
MAX_UPLOAD_ROWS = 1_000_000  # rows in one upload, all files together


def max_upload_bytes() -> int:
    """The upload size limit: Streamlit's `server.maxUploadSize` (MB), so the page and the ingest agree."""
    import tomllib  # here: every process imports this module, and only uploads need the limit

    settings = tomllib.loads(STREAMLIT_CONFIG.read_text(encoding="utf-8"))
    return int(settings.get("server", {}).get("maxUploadSize", 200)) * 1024 * 1024
