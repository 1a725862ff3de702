"""The data directory's lock, shared by every process that reads or writes it (replicas, the CLI, backups).

Writers (ingest, undo, restore, recover) hold it exclusively while they change files. Readers (a store load,
an ingest's preview, a backup) hold it shared while they list and read files, so they never see half a
batch; a reader only opens the lock file, it never creates it (reads never write). It is an `fcntl.flock` on
`<data dir>/.innovisits/lock`: it works across processes and replicas on one machine, and the kernel releases
it when a process dies, so a crash never leaves a stale lock behind.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

BOOKKEEPING_DIR = ".innovisits"  # InnoVisits' own files inside a data directory (audit log, lock, ...)
LOCK_NAME = "lock"
POLL_SECONDS = 0.05


class LockTimeout(Exception):
    """The lock was still held by another process when the wait ran out."""


def meta_dir(data_dir: Path) -> Path:
    return Path(data_dir) / BOOKKEEPING_DIR


def lock_path(data_dir: Path) -> Path:
    return meta_dir(data_dir) / LOCK_NAME


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
        _acquire(fd, path, shared=shared, timeout=timeout)
        yield path
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def _acquire(fd: int, path: Path, *, shared: bool, timeout: float | None) -> None:
    mode = fcntl.LOCK_SH if shared else fcntl.LOCK_EX
    if timeout is None:
        fcntl.flock(fd, mode)
        return
    deadline = time.monotonic() + timeout
    while True:
        try:
            fcntl.flock(fd, mode | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                kind = "shared" if shared else "exclusive"
                raise LockTimeout(f"{path} is busy: no {kind} lock within {timeout:g} s") from None
            time.sleep(POLL_SECONDS)


@contextmanager
def writing(data_dir: Path) -> Iterator[bool]:
    """For writers: hold the lock exclusively; yields False (no lock) when the directory cannot hold one
    (read-only), which is safe because then nobody can write into it either."""
    with ExitStack() as stack:
        try:
            stack.enter_context(data_lock(data_dir))
        except OSError:
            yield False
            return
        yield True


@contextmanager
def reading(data_dir: Path, *, timeout: float | None = None) -> Iterator[None]:
    """For readers: hold the lock shared while listing and reading files, without creating anything. With no
    lock file (a directory never written to by InnoVisits, or read-only) there is no writer to wait for.
    With a `timeout` (seconds) raises `LockTimeout` instead of waiting longer for a writer."""
    try:
        fd = os.open(lock_path(data_dir), os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        fd = None
    if fd is None:
        yield
        return
    try:
        _acquire(fd, lock_path(data_dir), shared=True, timeout=timeout)
        yield
    finally:
        os.close(fd)
