"""`backup --out FILE`: a consistent snapshot of the data directory, taken even while an upload runs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from innovisits.data.config import data_dir
from innovisits.data.lock import LockTimeout
from innovisits.export.backup import BackupError, backup


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, required=True, metavar="FILE", help="the archive to write (.tar.gz)")
    parser.add_argument(
        "--wait", type=float, default=600, metavar="SECONDS", help="how long to wait for a running upload (600)"
    )


def run(args: argparse.Namespace) -> int:
    source = data_dir()
    try:
        manifest = backup(source, args.out, timeout=args.wait)
    except (BackupError, LockTimeout) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"backed up {source}: {len(manifest.files)} files, {manifest.total_bytes:,} bytes -> {args.out}")
    return 0
