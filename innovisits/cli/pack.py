"""`pack`: the briefing pack (the presenter slides) as a PowerPoint or PDF file, for any filters."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from innovisits.cli.filter_args import add_filter_arguments, filters_from
from innovisits.data.config import data_location
from innovisits.data.store import DataError, Store
from innovisits.i18n import LANGUAGES


def _out(text: str) -> Path:
    path = Path(text)
    if path.suffix.lower() not in (".pptx", ".pdf"):
        raise argparse.ArgumentTypeError("the file name must end in .pptx or .pdf")
    return path


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=_out, required=True, metavar="FILE", help="FILE.pptx or FILE.pdf")
    add_filter_arguments(parser)
    parser.add_argument("--lang", choices=list(LANGUAGES), default="en")


def run(args: argparse.Namespace) -> int:
    # Imported here: plotly, kaleido and python-pptx are slow to import and the other verbs need none.
    from innovisits.export import pack
    from innovisits.export.formats import ExportError
    from innovisits.report import slides

    started = time.perf_counter()
    fmt = args.out.suffix.lower().lstrip(".")
    try:
        directory = data_location()
        deck = slides.build(slides.store_query(Store(directory)), filters_from(args), args.lang, source=directory)
        files = pack.build(deck, [fmt], progress=lambda done, n: print(f"rendered {done}/{n}", file=sys.stderr))
    except (DataError, ExportError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(files[fmt])
    seconds = time.perf_counter() - started
    print(f"wrote {args.out}: {len(deck.slides)} slides, {len(files[fmt]):,} bytes in {seconds:.1f} s")
    return 0
