"""Where things live. Read from the environment so tests, the CLI and deployments point at any data."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
QUERIES_DIR = PROJECT_DIR / "queries"
SAMPLE_DATA_DIR = PROJECT_DIR / "data"


def data_dir() -> Path:
    """The data directory: `INNOVISITS_DATA_DIR` when set, else the bundled sample data."""
    configured = os.environ.get("INNOVISITS_DATA_DIR", "").strip()
    return Path(configured).expanduser() if configured else SAMPLE_DATA_DIR


STREAMLIT_CONFIG = PROJECT_DIR / ".streamlit" / "config.toml"
ALIASES_FILE = SAMPLE_DATA_DIR / "aliases.csv"
MAX_UPLOAD_ROWS = 1_000_000  # rows in one upload, all files together


def max_upload_bytes() -> int:
    """The upload size limit: Streamlit's `server.maxUploadSize` (MB), so the page and the ingest agree."""
    settings = tomllib.loads(STREAMLIT_CONFIG.read_text(encoding="utf-8"))
    return int(settings.get("server", {}).get("maxUploadSize", 200)) * 1024 * 1024
