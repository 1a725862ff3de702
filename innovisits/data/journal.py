"""The journal of a commit or undo in progress, `<data dir>/.innovisits/journal.json`: the renames that
publish (or withdraw) a batch and its audit record, written before the first rename and removed after the
last. A crash in between leaves it behind.

Writers (the next ingest or undo, or the `recover` verb) carry it out with `recover`, holding the lock
exclusively. Readers never write: `pending` tells them the renames still to come, and the store reads the
data directory as it will be once they are done (a staged file in place of its destination, a withdrawn one
left out), so a reader sees a whole batch or none, whatever moment the crash came at."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from innovisits.data import paths
from innovisits.data.lock import BOOKKEEPING_DIR, meta_dir

PAUSE_ENV = "INNOVISITS_INGEST_PAUSE"  # seconds to wait between renames: lets a test kill us midway


def path(data_dir: Path) -> Path:
    return meta_dir(data_dir) / "journal.json"


def fsync(target: Path) -> None:
    fd = os.open(target, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write(data_dir: Path, entry: dict[str, Any]) -> None:
    """Record the intent durably (then `finish` carries it out)."""
    final = path(data_dir)
    temporary = final.with_suffix(".tmp")
    temporary.write_text(json.dumps(entry, ensure_ascii=False), encoding="utf-8")
    fsync(temporary)
    temporary.rename(final)
    fsync(final.parent)


def _pause() -> None:
    seconds = float(os.environ.get(PAUSE_ENV) or 0)
    if seconds:
        time.sleep(seconds)


def read(data_dir: Path) -> dict[str, Any]:
    """The journal, checked: raises `paths.UnsafePath` unless every rename is one `batches` writes (a staged
    file into its table's folder, or a batch file into the trash) and every path stays in the data directory.
    A journal from anywhere else (a restored archive, a hand edit) is never acted on."""
    try:
        entry = json.loads(path(data_dir).read_text(encoding="utf-8"))
        return check(data_dir, entry)
    except ValueError as error:  # JSONDecodeError and UnsafePath alike
        raise paths.UnsafePath(f"{path(data_dir)} is not a journal InnoVisits wrote ({error})") from error


def check(data_dir: Path, entry: object) -> dict[str, Any]:
    """The entry when it is safe to carry out (see `read`), else `paths.UnsafePath`."""
    from innovisits.data import audit  # only with a journal left behind: a reader starts sooner without

    try:
        op, record, moves = entry["op"], entry["record"], entry["moves"]
        batch = paths.batch_id(record["batch_id"])
        audit.check(data_dir, record)
        if record["event"] != op:
            raise paths.UnsafePath(f"a {op!r} journal holds a {record['event']!r} record")
        kept = {"add": "staging", "undo": "trash"}[op]
        set_aside = f"{BOOKKEEPING_DIR}/superseded/{batch}"
        for src, dst in moves:
            if set_aside in (str(src).rpartition("/")[0], str(dst).rpartition("/")[0]):
                # a correction sets a data file aside (add) and its undo puts it back
                stash, original = (dst, src) if op == "add" else (src, dst)
                paths.bookkeeping(data_dir, stash, f"superseded/{batch}")
                paths.data_file(data_dir, original)
                continue
            staged, placed = (src, dst) if op == "add" else (dst, src)
            paths.bookkeeping(data_dir, staged, f"{kept}/{batch}")
            paths.batch_file(data_dir, placed, batch)
        for folder in entry.get("remove_dirs", []):
            if folder != set_aside:
                paths.table_folder(data_dir, folder)
    except paths.UnsafePath:
        raise
    except (KeyError, TypeError, AttributeError, ValueError) as error:
        raise paths.UnsafePath(f"malformed journal ({error!r})") from error
    return entry


def finish(data_dir: Path) -> None:
    """Carry out the journal: idempotent, so recovery can run it again after a crash at any point."""
    entry = read(data_dir)
    for src, dst in entry["moves"]:
        source, target = data_dir / src, data_dir / dst
        if source.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            source.rename(target)
            fsync(target.parent)
            _pause()
    for folder in entry.get("remove_dirs", []):
        empty = data_dir / folder
        if empty.is_dir() and not any(empty.iterdir()):
            empty.rmdir()
    from innovisits.data import audit

    record = entry["record"]
    if not audit.has(data_dir, record["event"], record["batch_id"]):
        audit.append(data_dir, record)
    path(data_dir).unlink()
    fsync(meta_dir(data_dir))
    for leftover in ("staging", "trash"):
        shutil.rmtree(meta_dir(data_dir) / leftover / record["batch_id"], ignore_errors=True)


def recover(data_dir: Path) -> None:
    """For writers, holding the lock exclusively: finish a journalled commit or undo, then drop staging
    files of commits that crashed before their journal (those batches never happened)."""
    meta_dir(data_dir).joinpath("journal.tmp").unlink(missing_ok=True)
    if path(data_dir).exists():
        finish(data_dir)
    for leftover in ("staging", "trash"):
        folder = meta_dir(data_dir) / leftover
        for found in folder.glob("*") if folder.is_dir() else ():
            shutil.rmtree(found, ignore_errors=True)


class Pending(NamedTuple):
    """The renames an interrupted journal still has to make, as a reader applies them in its head: data
    files that will be there under another name (destination -> where it is now), and data files that will
    be gone."""

    renamed: Mapping[str, str] = MappingProxyType({})
    removed: frozenset[str] = frozenset()


def pending(data_dir: Path) -> Pending:
    """What a reader must read instead of the files on disk; nothing when no journal was left behind (or it
    cannot be read: a torn journal was never acted on, since it is renamed into place whole; nor when it is
    not one InnoVisits wrote, which no writer acts on either)."""
    try:
        entry = read(data_dir)
    except (OSError, ValueError):  # none, torn or unsafe: nothing to read instead
        return Pending()
    renamed, removed = {}, set()
    for src, dst in entry.get("moves", []):
        if not str(src).startswith(meta_dir(Path()).name):  # a data file leaves the data directory
            removed.add(src)
        if not str(dst).startswith(meta_dir(Path()).name) and (data_dir / src).exists():
            renamed[dst] = src  # a staged file not yet in place
    return Pending(renamed, frozenset(removed))
