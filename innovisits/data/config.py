"""Where things live. Read from the environment so tests, the CLI and deployments point at any data."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

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
    INNOVISITS_ENGINE=httpfs), else the bundled sample data. For the store, summary, the pack, and for
    uploads, undo and history (on a bucket through its manifest, see `ingest.batches`)."""
    configured = os.environ.get("INNOVISITS_DATA_DIR", "").strip()
    return location(configured) if configured else SAMPLE_DATA_DIR


def data_dir() -> Path:
    """The data directory on this machine, for backup, restore and recover: they rely on a POSIX file system's
    lock and atomic rename, which object storage lacks, so a URL is refused. (Uploads, undo and history work
    on a bucket too: `data_location()`.)"""
    found = data_location()
    if isinstance(found, str):
        raise ConfigError(
            f"INNOVISITS_DATA_DIR is on object storage ({found}): backup, restore and recover need a local data "
            "directory; on a bucket use its own versioning or replication for backups (see docs/deploy.md)"
        )
    return found


def state_dir() -> Path:
    """What replicas must share besides the data (the sign-in throttle): `INNOVISITS_STATE_DIR`, a directory
    every replica can write (on one machine, or a shared file system with working locks), else the local data
    directory's `.innovisits/`. A bucket cannot hold it, so there the setting is required."""
    configured = os.environ.get("INNOVISITS_STATE_DIR", "").strip()
    if configured:
        return Path(configured).expanduser()
    found = data_location()
    if isinstance(found, str):
        raise ConfigError(
            f"INNOVISITS_STATE_DIR is needed when the data is on object storage ({found}): a directory every "
            "replica can write, for the shared sign-in throttle (see docs/deploy.md)"
        )
    return found / ".innovisits"


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
    import tomllib  # here: a process that never uploads does not pay for the TOML parser

    settings = tomllib.loads(STREAMLIT_CONFIG.read_text(encoding="utf-8"))
    return int(settings.get("server", {}).get("maxUploadSize", 200)) * 1024 * 1024


DATE_RANGE_ENV = "INNOVISITS_DATE_RANGE"
FIRST_DATE = date(1990, 1, 1)


def date_range(today: date | None = None) -> tuple[date, date]:
    """The visit and follow-up dates accepted, first and last: `INNOVISITS_DATE_RANGE` as `FIRST..LAST` (ISO
    dates, either may be left out), else 1990-01-01 to 31 December of next year. A date outside is a typo
    (9999-12-31, 0001-01-01); accepted, one such date would make every period chart span thousands of years."""
    default = (FIRST_DATE, date((today or date.today()).year + 1, 12, 31))
    configured = os.environ.get(DATE_RANGE_ENV, "").strip()
    if not configured:
        return default
    first, dots, last = configured.partition("..")
    try:
        if not dots:
            raise ValueError("no '..'")
        given = zip((first.strip(), last.strip()), default, strict=True)
        found = tuple(date.fromisoformat(value) if value else fallback for value, fallback in given)
    except ValueError as error:
        raise ConfigError(
            f"{DATE_RANGE_ENV}={configured!r} is not a date range ({error}): write it as 1990-01-01..2030-12-31"
        ) from error
    if found[0] > found[1]:
        raise ConfigError(f"{DATE_RANGE_ENV}={configured!r}: the first date is after the last")
    return found


TIMEZONE_ENV = "INNOVISITS_TIMEZONE"
DEFAULT_TIMEZONE = "Asia/Hong_Kong"


def timezone() -> ZoneInfo:
    """The time zone history and audit times are shown in: `INNOVISITS_TIMEZONE` (an IANA name such as
    `Asia/Hong_Kong` or `UTC`), else Hong Kong's. (The audit log itself keeps UTC.)"""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError  # here: only history and audit show local times

    name = os.environ.get(TIMEZONE_ENV, "").strip() or DEFAULT_TIMEZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"{TIMEZONE_ENV}={name!r} is not a time zone: use an IANA name such as Asia/Hong_Kong"
        ) from None
