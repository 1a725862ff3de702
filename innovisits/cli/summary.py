"""`summary`: the overview numbers, from the same query file the Overview page uses."""

from __future__ import annotations

import argparse
import json
import sys

from innovisits.cli.filter_args import add_filter_arguments, filters_from
from innovisits.data.config import data_location
from innovisits.data.store import SUMMARY_KEYS, DataError, Store


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_filter_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def run(args: argparse.Namespace) -> int:
    try:
        row = Store(data_location()).records("summary", filters_from(args))[0]
    except DataError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    numbers = {k: row[k] for k in SUMMARY_KEYS}
    if args.json:
        dates = {k: row[k].isoformat() if row[k] else None for k in ("first_visit_date", "last_visit_date")}
        print(json.dumps({**numbers, **dates, "data_dir": str(data_location())}, ensure_ascii=False))
    else:
        width = max(map(len, SUMMARY_KEYS))
        for key, value in numbers.items():
            print(f"{key:<{width}}  {value:>12,}")
    return 0
