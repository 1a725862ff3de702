"""Paths read from InnoVisits' own bookkeeping (the journal, the audit log, a backup's manifest), checked
where they are used. Those files normally hold only paths InnoVisits wrote, but a restored archive or a
hand-edited file can name `..`, an absolute path, a link leading out, or a reference file where a batch
file belongs; acting on one would move or delete files outside the data directory (or reference data inside
it). Every such path must have exactly the shape InnoVisits gives it, and resolve inside the data directory."""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath

from innovisits.data.lock import BOOKKEEPING_DIR

BATCH_ID = re.compile(r"[0-9]{8}T[0-9]{12}Z")  # batches.new_batch_id: UTC time to the microsecond
_FOLDER = re.compile(r"[a-z_]+")  # a table's folder
_DATA_FILE = re.compile(r"[a-z_]+(/[^/.][^/]*)?\.(csv|parquet)")


class UnsafePath(ValueError):
    """A path (or batch id) read from bookkeeping is not one InnoVisits writes; nothing was done with it."""


def batch_id(value: object) -> str:
    """The batch id when it has the shape InnoVisits gives one (it becomes part of paths)."""
    if not isinstance(value, str) or not BATCH_ID.fullmatch(value):
        raise UnsafePath(f"{value!r} is not a batch id")
    return value


def inside(data_dir: Path, relative: object) -> Path:
    """`data_dir / relative` for a plain relative POSIX path that stays inside `data_dir`, links followed."""
    if not isinstance(relative, str) or not relative or "\\" in relative or "\x00" in relative:
        raise UnsafePath(f"{relative!r} is not a path inside the data directory")
    pure = PurePosixPath(relative)
    if pure.is_absolute() or ".." in pure.parts or pure.as_posix() != relative or relative == ".":
        raise UnsafePath(f"{relative!r} is not a path inside the data directory")
    root = Path(data_dir).resolve()
    if not (root / pure).resolve().is_relative_to(root):
        raise UnsafePath(f"{relative!r} leads out of the data directory")
    return Path(data_dir) / pure


def batch_file(data_dir: Path, relative: object, batch: str) -> Path:
    """A batch's data file: `<table>/batch-<batch>.parquet`, as `batches.commit` names it."""
    path = inside(data_dir, relative)
    folder, _, name = str(relative).partition("/")
    if not _FOLDER.fullmatch(folder) or name != f"batch-{batch}.parquet":
        raise UnsafePath(f"{relative!r} is not a data file of batch {batch}")
    return path


def data_file(data_dir: Path, relative: object) -> Path:
    """A table's data file, `<table>.csv|parquet` or `<table>/<name>.csv|parquet` (a correction sets one
    aside and an undo puts it back)."""
    path = inside(data_dir, relative)
    if not _DATA_FILE.fullmatch(str(relative)):
        raise UnsafePath(f"{relative!r} is not a data file")
    return path


def table_folder(data_dir: Path, relative: object) -> Path:
    """A table's folder directly in the data directory (one a batch created)."""
    path = inside(data_dir, relative)
    if not _FOLDER.fullmatch(str(relative)):
        raise UnsafePath(f"{relative!r} is not a table folder")
    return path


def bookkeeping(data_dir: Path, relative: object, folder: str) -> Path:
    """A file InnoVisits keeps under `.innovisits/<folder>/` (a batch's staging or trash)."""
    path = inside(data_dir, relative)
    if not str(relative).startswith(f"{BOOKKEEPING_DIR}/{folder}/"):
        raise UnsafePath(f"{relative!r} is not under {BOOKKEEPING_DIR}/{folder}/")
    return path
