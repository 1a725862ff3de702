"""`generate`: a deterministic synthetic data set of any size."""

from __future__ import annotations

import argparse
from pathlib import Path

from innovisits.data.generate import generate


def _count(text: str) -> int:
    """Accept 10000000, 10_000_000 or 1e7."""
    return int(float(text.replace("_", "")))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--participants", type=_count, required=True, metavar="N", help="delegate rows (e.g. 1e7)")
    parser.add_argument("--out", type=Path, required=True, metavar="DIR")
    parser.add_argument("--seed", type=int, default=0, metavar="S")
    parser.add_argument("--format", choices=("parquet", "csv"), default="parquet")


def run(args: argparse.Namespace) -> int:
    counts = generate(args.participants, args.out, seed=args.seed, file_format=args.format)
    print(f"wrote {args.out}: " + ", ".join(f"{table} {n:,}" for table, n in counts.items()))
    return 0
