"""The stores of one data directory as a server serves them: readers are answered from the newest store that
is ready while the next data version's store is built (or brought up to date, `Store._update`) in a
background thread, once per version, one build at a time; then they switch to it. Only a reader with nothing
to show yet (the first load), or one that asks to wait (the session that just stored a batch), waits."""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from innovisits.data.store import Store

Version = tuple[tuple[str, int, int], ...]


class Stores:
    """The newest ready store of `data_dir` and the builds of newer versions (each version built once)."""

    def __init__(self, data_dir: Path | str) -> None:
        self.data_dir = data_dir
        self._lock = threading.Lock()
        self._ready: Store | None = None
        self._builds: dict[Version, Future[Store]] = {}
        self._builder = ThreadPoolExecutor(max_workers=1, thread_name_prefix="innovisits-store")

    def current(self, version: Version, *, wait: bool = False) -> Store:
        """The store of `version` once it is ready; until then the newest store ready (the build of `version`
        started if it is not under way), or with `wait` or when none is ready yet, the new store once it is
        built. A build that failed raises its error (DataError: which file cannot be read) to every reader."""
        with self._lock:
            ready = self._ready
            if ready is not None and ready.version == version:
                return ready
            build = self._builds.get(version)
            if build is None:
                # builds of other versions that have ended are of no more use (and hold their stores)
                self._builds = {v: b for v, b in self._builds.items() if not b.done()}
                build = self._builds[version] = self._builder.submit(self._build)
        if ready is not None and not wait and not build.done():
            return ready
        return build.result()

    def arriving(self, store: Store, version: Version) -> bool:
        """Whether `store` is served while the store of `version` (a newer one) is being built."""
        with self._lock:
            build = self._builds.get(version)
        return store.version != version and build is not None and not build.done()

    def _build(self) -> Store:
        """The store of the data as it is now; it is served from now on (builds run one at a time, in the order
        they were asked for, so each one finished is newer than the one before)."""
        store = Store(self.data_dir)
        with self._lock:
            self._ready = store
        return store
