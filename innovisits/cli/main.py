"""`python -m innovisits VERB ...`: the command line. Each verb lives in its own module of `innovisits.cli`;
only the verb asked for is imported (the list of verbs and their help is below), and each imports its heavy
dependencies (pandas, plotly) inside `run`, so the CLI starts fast and never imports Streamlit."""

from __future__ import annotations

import argparse
import gc
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from innovisits.data.config import ConfigError
from innovisits.data.paths import UnsafePath

# verb -> module in innovisits.cli with `add_arguments(parser)` and `run(args) -> int`
VERBS = {
    "summary": ("summary", "Print the overview numbers for the data directory."),
    "generate": ("generate", "Write a deterministic synthetic data set of any size."),
    "pack": ("pack", "Write the briefing pack (the presenter slides) as PPTX or PDF."),
    "ingest": ("ingest", "Validate CSV files and store them as one batch (--dry-run: check only; --corrections)."),
    "undo": ("undo", "Withdraw an uploaded batch."),
    "history": ("history", "List uploaded batches."),
    "reference": ("reference", "Add or rename departments, cities, categories and aliases; list them."),
    "hash-password": ("hash_password", "Print an argon2 hash for a staff account in secrets.toml."),
    "backup": ("backup", "Write a consistent snapshot of the data directory to a .tar.gz archive."),
    "recover": ("recover", "Finish a commit or undo that was interrupted (the next ingest or undo does it too)."),
    "restore": ("restore", "Restore a backup archive, verified against its manifest before anything changes."),
    "bench": ("bench", "Measure the query layer against raw DuckDB and pandas at growing sizes."),
}


def _quietly_import(name: str) -> ModuleType:
    """Import a verb's module (and DuckDB with it) with the garbage collector paused: loading modules makes
    many objects and hardly any garbage, and the collector's passes over them took 7 ms of every command's
    start (docs/benchmark.md, "Any process")."""
    gc.disable()
    try:
        return importlib.import_module(name)
    finally:
        gc.enable()


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = argparse.ArgumentParser(prog="python -m innovisits", description=__doc__)
    verbs = parser.add_subparsers(dest="verb", required=True, metavar="VERB")
    # Only the verb asked for is set up and imported: all of them took longer than a summary's query. Without a
    # known verb (help, a typo) each is listed, with its help.
    asked = argv[:1] if argv[:1] and argv[0] in VERBS else []
    modules = {}
    for verb in asked or VERBS:
        module_name, help_text = VERBS[verb]
        sub = verbs.add_parser(verb, help=help_text, description=help_text)
        if asked:
            modules[verb] = _quietly_import(f"innovisits.cli.{module_name}")
            modules[verb].add_arguments(sub)
    args = parser.parse_args(argv)
    try:
        return modules[args.verb].run(args)
    except (ConfigError, UnsafePath) as error:  # a wrong setting or bookkeeping: say which, no traceback
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
