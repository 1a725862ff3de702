"""`bench [--sizes 1e4,1e5,1e6,1e7] [--out bench.json] [--no-browser]`: the benchmark (see innovisits/bench): prints a
table with every target's ratio and verdict, writes the report as JSON."""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

DEFAULT_WORK = Path(tempfile.gettempdir()) / "innovisits-bench"


def _sizes(text: str) -> list[int]:
    """Accept 1e4,1e5,1e6,1e7 or 10000,100000."""
    return [int(float(part.replace("_", ""))) for part in text.split(",") if part.strip()]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--sizes", type=_sizes, default=_sizes("1e4,1e5,1e6,1e7"), help="participant rows")
    parser.add_argument("--out", type=Path, default=Path("bench.json"), metavar="FILE")
    parser.add_argument(
        "--work", type=Path, default=DEFAULT_WORK, help="where data sets are generated and kept between runs"
    )
    parser.add_argument("--combos", type=int, default=30, help="random filter combinations for the latency")
    parser.add_argument("--batches", type=int, default=5000, help="upload files for the many-small-files case")
    parser.add_argument("--rounds", type=int, default=2, help="alternating layer / raw DuckDB processes (below 1e7)")
    parser.add_argument(
        "--browser-samples", type=int, default=20, help="times each action is timed in Chromium (first and again)"
    )
    parser.add_argument(
        "--no-browser", dest="browser_samples", action="store_const", const=0, help="leave out the browser figure"
    )
    parser.add_argument(
        "--reuse", type=Path, metavar="FILE", help="an earlier report: its sizes not in --sizes are reported too"
    )


def run(args: argparse.Namespace) -> int:
    from innovisits.bench.run import bench, render  # pandas is imported only by this verb

    report = bench(
        args.sizes,
        args.work,
        combos=args.combos,
        batches=args.batches,
        rounds=args.rounds,
        browser_samples=args.browser_samples,
        reuse=args.reuse,
    )
    args.out.write_text(json.dumps(report, indent=2, default=str, ensure_ascii=False), encoding="utf-8")
    print(render(report))
    print(f"\nwrote {args.out}; data sets kept in {args.work}")
    return 0 if all(t["reached"] for t in report["targets"]) else 1
