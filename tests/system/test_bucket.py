"""The data directory in an S3 bucket, against a real S3 API on loopback (moto's server, `tests/s3_server.py`),
configured only through INNOVISITS_ENGINE=httpfs, INNOVISITS_DATA_DIR=s3://... and the standard AWS variables.
The known data set answers every query on the bucket exactly as on local files; `ingest`, `history` and
`undo` work on it as on a directory; a batch is visible whole or not at all (its manifest decides)."""

import json
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from innovisits.data import audit, bucket, config, sql
from innovisits.data.config import QUERIES_DIR, ConfigError
from innovisits.data.filters import Filters
from innovisits.data.store import TABLES, Store, connect, data_version, table_files
from innovisits.ingest import batches
from innovisits.ingest.plan import Upload, prepare
from tests import ingest_files as f
from tests import known_data
from tests.unit.cli.test_cli import run_cli

KNOWN = {"visits": 4, "delegates": 10, "departments": 4, "cities": 3, "categories": 3}
FILTERED = Filters(cities=("Shenzhen",), departments=("FSD", "HA"))  # K1 and K3 in Shenzhen; K1 has both


def _queries() -> list[str]:
    """Every named query that needs no values beyond the filters."""
    names = sorted(p.stem for p in QUERIES_DIR.glob("*.sql"))
    return [n for n in names if sql.parameters(n) <= set(Filters().params())]


def answers(store: Store) -> dict:
    """Every such query's rows, unfiltered and filtered, in a stable order."""
    return {
        (name, filters): sorted(map(repr, store.records(name, filters)))
        for name in _queries()
        for filters in (Filters(), FILTERED)
    }


@pytest.fixture
def known_bucket(s3_env, tmp_path, request) -> tuple[Path, str]:
    """The known data set (mixed layout) on local disk and copied into a new bucket."""
    local = known_data.build(tmp_path / "data", "mixed")
    return local, s3_env.bucket(_bucket_name(request), local)


def _bucket_name(request) -> str:
    """A new bucket name per test (names are at most 63 characters)."""
    return f"t-{uuid.uuid4().hex}"


def _summary(where: Path | str) -> dict[str, int]:
    row = Store(where).records("summary")[0]
    return {k: row[k] for k in KNOWN}


@pytest.mark.parametrize("layout", known_data.LAYOUTS)
def test_the_bucket_answers_every_query_as_the_local_files_do(s3_env, tmp_path, layout, request):
    local = known_data.build(tmp_path / "data", layout)
    url = s3_env.bucket(_bucket_name(request), local)
    on_bucket = Store(url)
    assert on_bucket.row_counts() == Store(local).row_counts()
    assert answers(on_bucket) == answers(Store(local))
    assert _summary(url) == KNOWN  # hand-worked in tests/known_data.py
    assert on_bucket.records("summary", FILTERED)[0]["visits"] == 2


def test_the_bucket_lists_the_files_the_local_directory_lists(known_bucket, s3_env):
    """Bookkeeping, deeper files and files of no table are left out on the bucket as on disk."""
    local, url = known_bucket
    extra = {".innovisits/trash/visits.csv": "visit_id\nX\n", "visits/old/part-9.csv": "visit_id\nX\n"}
    for name, text in {**extra, "notes.csv": "a\n1\n"}.items():
        (local / name).parent.mkdir(parents=True, exist_ok=True)
        (local / name).write_text(text)
        s3_env.fs.pipe_file(f"{url.removeprefix('s3://')}/{name}", text.encode())
    for table in TABLES:
        on_disk = table_files(local, table)
        in_bucket = table_files(url, table)
        assert [str(p).removeprefix(f"{url}/") for p in in_bucket.csv] == [
            str(p.relative_to(local)) for p in on_disk.csv
        ]
        assert [str(p).removeprefix(f"{url}/") for p in in_bucket.parquet] == [
            str(p.relative_to(local)) for p in on_disk.parquet
        ]
    assert sorted(v[:2] for v in data_version(url)) == sorted(v[:2] for v in data_version(local))


def test_summary_json_from_the_cli_is_the_same_on_the_bucket(known_bucket, s3_env):
    local, url = known_bucket
    bucket_env = {**os.environ, **s3_env.env, "INNOVISITS_ENGINE": "httpfs", "INNOVISITS_DATA_DIR": url}
    on_bucket = run_cli(bucket_env, "summary", "--json")
    on_disk = run_cli({**os.environ, "INNOVISITS_DATA_DIR": str(local)}, "summary", "--json")
    assert on_bucket.returncode == 0, on_bucket.stderr
    answer = json.loads(on_bucket.stdout)
    assert answer.pop("data_dir") == url
    assert answer == {k: v for k, v in json.loads(on_disk.stdout).items() if k != "data_dir"}
    assert answer["visits"] == 4 and answer["delegates"] == 10


def test_ingest_history_and_undo_from_the_cli_on_the_bucket(known_bucket, s3_env, tmp_path):
    """The same session as tests/test_ingest_cli.py's on a directory: dry run, store, the identical file
    again, history, undo, and the bucket as it was before (withdrawn objects are swept later)."""
    _, url = known_bucket
    env = {**os.environ, **s3_env.env, "INNOVISITS_ENGINE": "httpfs", "INNOVISITS_DATA_DIR": url}
    report = f.write(tmp_path, "report.csv", f.report_big5())
    before = s3_env.keys(url)
    dry = run_cli(env, "ingest", "--dry-run", str(report))
    assert dry.returncode == 0, dry.stderr
    assert "overview visits 4→5, delegates 10→13" in dry.stdout
    assert s3_env.keys(url) == before
    stored = run_cli(env, "ingest", str(report))
    assert stored.returncode == 0 and stored.stdout.startswith("stored batch "), stored.stderr
    assert _summary(url) == f.AFTER
    again = run_cli(env, "ingest", str(report))
    assert again.returncode == 0 and again.stdout.startswith("nothing stored: every row is already stored")
    (batch,) = json.loads(run_cli(env, "history", "--json").stdout)
    assert (batch["files"][0]["name"], batch["rows"], batch["is_active"]) == ("report.csv", f.ADDED, True)
    assert sorted(batch["paths"]) == sorted(k for k in s3_env.keys(url) if k not in before and "batch-" in k)
    undone = run_cli(env, "undo", batch["batch_id"])
    assert undone.returncode == 0 and undone.stdout.startswith(f"withdrew batch {batch['batch_id']}"), undone.stderr
    assert _summary(url) == KNOWN
    assert run_cli(env, "undo", batch["batch_id"]).returncode == 1
    (withdrawn,) = json.loads(run_cli(env, "history", "--json").stdout)
    assert withdrawn["is_active"] is False and withdrawn["withdrawn_by"]


def test_an_identical_file_is_pointed_out_as_stored(known_bucket):
    _, url = known_bucket
    upload = [Upload("report.csv", f.report_big5())]
    batch_id = batches.commit(prepare(upload, url), "tester")
    again = prepare(upload, url)
    assert again.files[0].stored_in == batch_id and again.adds_nothing


def test_objects_of_an_unpublished_batch_are_invisible(known_bucket, s3_env, tmp_path):
    """A writer that died after writing its data objects, before the manifest: readers see nothing of it."""
    _, url = known_bucket
    version = data_version(url)
    extra = known_data.build(tmp_path / "extra", "parquet") / "visits.parquet"
    s3_env.fs.put_file(str(extra), f"{url.removeprefix('s3://')}/visits/batch-20990101T000000000000Z.parquet")
    assert data_version(url) == version
    assert _summary(url) == KNOWN
    s3_env.fs.put_file(str(extra), f"{url.removeprefix('s3://')}/visits/part-9.parquet")  # not a batch: read
    assert _summary(url)["visits"] == 8


def test_a_second_writer_on_a_stale_manifest_loses_and_leaves_nothing(known_bucket, s3_env, tmp_path):
    _, url = known_bucket
    read = bucket.manifest(url)
    first = batches.commit(prepare([Upload("report.csv", f.report_big5())], url), "first")
    with pytest.raises(bucket.Conflict):
        bucket.publish(url, read, read.text + "{}\n")
    assert [b.batch_id for b in audit.batches(url)] == [first]
    plan = prepare(_uploads(tmp_path / "k6", known_data.BATCH_2), url)
    batches.commit(prepare(_uploads(tmp_path / "k7", known_data.BATCH_3), url), "other")
    keys = s3_env.keys(url)
    with pytest.raises(batches.StaleError):
        batches.commit(plan, "late")
    assert s3_env.keys(url) == keys
    assert _summary(url) == {**f.AFTER, "visits": 6, "delegates": 14}


def _uploads(directory: Path, batch: dict) -> list[Upload]:
    return [Upload(p.name, p.read_bytes()) for p in known_data.write_batch(directory, batch, directory.name)]


def test_withdrawn_batch_objects_are_swept_only_after_the_grace(known_bucket, s3_env):
    _, url = known_bucket
    batch_id = batches.commit(prepare([Upload("report.csv", f.report_big5())], url), "tester")
    (batch,) = audit.batches(url)
    batches.undo(url, batch_id, "tester")
    assert batches.sweep(url, bucket.manifest(url)) == []
    assert set(batch.paths) <= set(s3_env.keys(url))
    later = datetime.now(UTC) + batches.SWEEP_AFTER
    assert sorted(batches.sweep(url, bucket.manifest(url), now=later)) == sorted(batch.paths)
    assert not set(batch.paths) & set(s3_env.keys(url))
    assert _summary(url) == KNOWN


def test_settings_the_bucket_cannot_take_are_refused_with_the_setting_named(s3_env, monkeypatch):
    monkeypatch.setenv("INNOVISITS_DATA_DIR", "https://example.org/data")
    with pytest.raises(ConfigError, match="s3://bucket/prefix"):
        connect()
    monkeypatch.setenv("INNOVISITS_DATA_DIR", "s3://no-such-bucket/data")
    with pytest.raises(ConfigError, match="backup, restore and recover need a local data directory"):
        config.data_dir()
