"""The global filters as command-line options, shared by every verb that reads data."""

from __future__ import annotations

import argparse
from datetime import date

from innovisits.data.filters import Filters


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--from", dest="date_from", type=date.fromisoformat, metavar="DATE", help="first visit date (YYYY-MM-DD)"
    )
    parser.add_argument(
        "--to", dest="date_to", type=date.fromisoformat, metavar="DATE", help="last visit date (YYYY-MM-DD)"
    )
    parser.add_argument("--city", dest="cities", action="append", default=[], metavar="CITY", help="repeat for several")
    parser.add_argument("--department", dest="departments", action="append", default=[], metavar="CODE")
    parser.add_argument("--kind", dest="kinds", action="append", default=[], metavar="KIND", help="department kind")
    parser.add_argument("--category", dest="categories", action="append", default=[], metavar="ID")


def filters_from(args: argparse.Namespace) -> Filters:
    return Filters().with_values(
        date_from=args.date_from,
        date_to=args.date_to,
        cities=args.cities,
        departments=args.departments,
        kinds=args.kinds,
        categories=args.categories,
    )
