"""The data directory's lock, shared by every process that reads or writes it (replicas, the CLI, backups).

Writers (ingest, undo, restore) hold it exclusively while they change files; a backup holds it shared while
it lists and copies, so it never sees half a batch. It is an `fcntl.flock` on `<data dir>/.innovisits/lock`:
it works across processes and replicas on one machine, and the kernel releases it when a process dies, so a
crash never leaves a stale lock behind. (Dashboards never take it: a store snapshot is built from whole
files, see `store.data_version`.)
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

BOOKKEEPING_DIR = ".innovisits"  # InnoVisits' own files inside a data directory (audit log, lock, ...)
LOCK_NAME = "lock"
POLL_SECONDS = 0.05


class LockTimeout(Exception):
    """The lock was still held by another process when the wait ran out."""


def lock_path(data_dir: Path) -> Path:
    return Path(data_dir) / BOOKKEEPING_DIR / LOCK_NAME


@contextmanager
def data_lock(data_dir: Path, *, shared: bool = False, timeout: float | None = None) -> Iterator[Path]:
    """Hold the data directory's lock (exclusive, or shared with other readers) for the `with` block.

    Waits for other holders; with a `timeout` (seconds) raises `LockTimeout` instead of waiting longer.
    Each call opens the lock file afresh, so two holders in one process exclude each other too.
    """
    path = lock_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o664)
    try:
        mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
        if timeout is None:
            fcntl.flock(fd, mode)
        else:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(fd, mode | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        kind = "shared" if shared else "exclusive"
                        raise LockTimeout(f"{path} is busy: no {kind} lock within {timeout:g} s") from None
                    time.sleep(POLL_SECONDS)
        yield path
    finally:
        os.close(fd)  # closing the descriptor releases the lock
