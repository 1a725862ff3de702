"""Where things live. Read from the environment so tests, the CLI and deployments point at any data."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
QUERIES_DIR = PROJECT_DIR / "queries"
SAMPLE_DATA_DIR = PROJECT_DIR / "data"


def data_dir() -> Path:
    """The data directory: `INNOVISITS_DATA_DIR` when set, else the bundled sample data."""
    configured = os.environ.get("INNOVISITS_DATA_DIR", "").strip()
    return Path(configured).expanduser() if configured else SAMPLE_DATA_DIR
