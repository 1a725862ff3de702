"""`restore FILE [--into DIR] [--force]`: bring a backup back, verified in full before anything changes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from innovisits.data.config import data_dir
from innovisits.data.lock import LockTimeout
from innovisits.export.backup import BackupError, restore


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("archive", type=Path, metavar="FILE", help="an archive written by `backup`")
    parser.add_argument("--into", type=Path, metavar="DIR", help="where to restore (default: the data directory)")
    parser.add_argument("--force", action="store_true", help="replace a directory that is not empty")
    parser.add_argument(
        "--wait", type=float, default=600, metavar="SECONDS", help="how long to wait for a running upload (600)"
    )


def run(args: argparse.Namespace) -> int:
    target = args.into or data_dir()
    try:
        manifest = restore(args.archive, target, force=args.force, timeout=args.wait)
    except (BackupError, LockTimeout) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    size = f"{len(manifest.files)} files, {manifest.total_bytes:,} bytes"
    print(f"restored {size} (backup of {manifest.created_at}) into {target}")
    return 0
