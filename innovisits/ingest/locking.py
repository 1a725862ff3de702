"""The data directory's lock (implemented once, in `innovisits.locking`) as ingest uses it: ingests and
undos hold it exclusively while they move files into place, store loads hold it shared while they list and
read files, so nobody reads half a batch. Bookkeeping lives in `<data dir>/.innovisits/`, which every
reader and writer ignores as data."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from innovisits.locking import BOOKKEEPING_DIR as META
from innovisits.locking import data_lock


def meta_dir(data_dir: Path) -> Path:
    return Path(data_dir) / META


def journal(data_dir: Path) -> Path:
    """The intent of a commit or undo in progress (see `batches`); present only until it is complete."""
    return meta_dir(data_dir) / "journal.json"


def needs_recovery(data_dir: Path) -> bool:
    """A commit or undo was interrupted after its journal was written (readers must not see it half done)."""
    return journal(data_dir).exists()


@contextmanager
def locked(data_dir: Path, *, exclusive: bool) -> Iterator[bool]:
    """Hold the directory lock; yields False (no lock) when the directory cannot hold one (read-only),
    which is safe because then nobody can ingest into it either."""
    with ExitStack() as stack:
        try:
            stack.enter_context(data_lock(data_dir, shared=not exclusive))
        except OSError:
            yield False
            return
        yield True


@contextmanager
def reading(data_dir: Path) -> Iterator[None]:
    """For readers: finish or roll back an interrupted ingest first, then hold the lock shared."""
    if Path(data_dir).is_dir() and needs_recovery(data_dir):
        from innovisits.ingest.batches import recover  # only now: batches imports this module

        with locked(data_dir, exclusive=True) as held:
            if held:
                recover(data_dir)
    with locked(data_dir, exclusive=False) if Path(data_dir).is_dir() else _nothing():
        yield


@contextmanager
def _nothing() -> Iterator[None]:
    yield
