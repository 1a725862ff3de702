"""Readers keep being answered from the previous data version while the next one's store is built, then
switch to it; a build that fails is reported to them. Real stores on real files: the build is held back by the
data directory's lock (as a long ingest holds it), not by a stand-in, so no timing is involved (a reader that
waited for the build would wait for ever: it asks from another thread, and a minute without an answer fails
the test instead)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from innovisits.data import lock
from innovisits.data.serving import Stores
from innovisits.data.store import DataError, Store, data_version
from tests import known_data

BEFORE = {"visits": 4, "delegates": 10, "departments": 4, "cities": 3}
NEVER = 60  # seconds: an answer held up by the build would never come while the test holds the lock


def meanwhile(stores: Stores, version: tuple) -> Store:
    """What a reader is served, asked from another thread (so a reader left waiting fails the test)."""
    reader = ThreadPoolExecutor(1)
    try:
        return reader.submit(stores.current, version).result(timeout=NEVER)
    finally:
        reader.shutdown(wait=False)  # a reader left waiting must not keep the test from releasing the lock


@pytest.fixture(autouse=True)
def own_cache(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("INNOVISITS_CACHE_DIR", str(tmp_path / "cache"))


def summary(store: Store) -> dict[str, int]:
    row = store.records("summary")[0]
    return {k: row[k] for k in BEFORE}


def test_a_reader_is_answered_from_the_previous_version_while_the_next_is_built(known_csv_dir: Path):
    stores = Stores(known_csv_dir)
    first = stores.current(data_version(known_csv_dir))  # nothing to show yet: waits for the first build
    assert summary(first) == BEFORE
    known_data.write_batch(known_csv_dir, known_data.BATCH, "batch-1")
    newer = data_version(known_csv_dir)
    with lock.writing(known_csv_dir):  # the build of the new version cannot read the files before this ends
        served = meanwhile(stores, newer)
        assert served is first and summary(served) == BEFORE
        assert stores.arriving(served, newer)
        assert meanwhile(stores, newer) is first  # asked again: still the previous one, the same build under way
    switched = stores.current(newer, wait=True)  # the session that stored the batch waits for it
    assert switched is not first and switched.version == newer
    assert summary(switched) == known_data.WITH_BATCH and not stores.arriving(switched, newer)
    assert stores.current(newer) is switched  # every reader now


def test_a_version_that_cannot_be_read_is_reported_once_its_build_ends(known_csv_dir: Path):
    stores = Stores(known_csv_dir)
    first = stores.current(data_version(known_csv_dir))
    bad = known_csv_dir / "participants" / "batch-bad.csv"
    bad.write_text("visit_id,department,participant_id,role\nK1,EMSD,020,leader,extra,\n", encoding="utf-8")
    broken = data_version(known_csv_dir)
    with lock.writing(known_csv_dir):
        assert meanwhile(stores, broken) is first
    with pytest.raises(DataError, match=r"batch-bad\.csv"):
        stores.current(broken, wait=True)
    with pytest.raises(DataError, match=r"batch-bad\.csv"):
        stores.current(broken)  # every reader is told, not served stale data without a word
    bad.unlink()
    assert stores.current(data_version(known_csv_dir)) is first  # the version it holds again
