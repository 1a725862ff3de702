"""`reference add KIND CODE --en NAME --zh NAME [--kind KIND]` and `reference list [KIND]`: staff's reference
data (departments, cities, technology categories, aliases). Each addition or rename is a batch of its own:
`history` lists it and `undo` withdraws it.

    reference add department WSD --en "Water Supplies Department" --zh 水務署 --kind government
    reference add city Foshan --zh 佛山 --lat 23.02 --lon 113.12      (a city's code is its English name)
    reference add category drones --en Drones --zh 無人機
    reference add alias 水務處 --for department --to WSD
    reference list department
"""

from __future__ import annotations

import argparse
import json
import sys

from innovisits.cli.ingest import who
from innovisits.data.audit import batches
from innovisits.data.config import data_dir

KINDS = ("department", "city", "category", "alias")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.epilog = __doc__.split("\n\n", 1)[1]
    actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="add a reference row, or rename the row of an existing code")
    add.add_argument("what", choices=KINDS, metavar="KIND", help=f"one of {', '.join(KINDS)}")
    add.add_argument("code", metavar="CODE", help="the code (a city: its English name; an alias: the alias)")
    add.add_argument("--en", default="", help="English name")
    add.add_argument("--zh", default="", help="Chinese name (繁體中文)")
    add.add_argument("--kind", dest="department_kind", help="a department's kind (government, public_body, ...)")
    add.add_argument("--lat", type=float, help="a city's latitude")
    add.add_argument("--lon", type=float, help="a city's longitude")
    add.add_argument("--for", dest="alias_kind", help="an alias: what it names (department, city or category)")
    add.add_argument("--to", dest="canonical", help="an alias: the code or name it stands for")
    listing = actions.add_parser("list", help="print the reference rows")
    listing.add_argument("what", nargs="?", choices=KINDS, metavar="KIND", help="only this kind")
    listing.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace) -> int:
    from innovisits.ingest import reference  # here: it imports the ingest (slower) only when used

    return _list(reference, args) if args.action == "list" else _add(reference, args)


def _add(reference: object, args: argparse.Namespace) -> int:
    try:
        if args.what == "alias":
            if not args.alias_kind or not args.canonical:
                print("error: an alias needs --for KIND and --to CODE", file=sys.stderr)
                return 2
            stored = reference.add_alias(data_dir(), args.alias_kind, args.code, args.canonical, who())
        else:
            entry = reference.Entry(args.what, args.code, args.en, args.zh, args.department_kind, args.lat, args.lon)
            stored = reference.add(data_dir(), entry, who())
    except reference.ReferenceError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    if stored.batch_id is None:
        print(f"nothing stored: {args.what} {args.code} is already so")
    else:
        batch = next(b for b in batches(data_dir()) if b.batch_id == stored.batch_id)
        print(f"stored batch {stored.batch_id}: {batch.reference_text()}")
    return 0


def _list(reference: object, args: argparse.Namespace) -> int:
    found = {kind: reference.listing(data_dir(), kind) for kind in ([args.what] if args.what else KINDS)}
    if args.json:
        print(json.dumps(found, ensure_ascii=False, default=str))
        return 0
    for kind, rows in found.items():
        print(f"{kind} ({len(rows)}):")
        for row in rows:
            print("  " + "  ".join("" if v is None else str(v) for v in row.values()))
    return 0
