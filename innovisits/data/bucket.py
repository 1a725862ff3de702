"""A data directory in an S3 bucket (`INNOVISITS_DATA_DIR=s3://bucket/prefix`, `INNOVISITS_ENGINE=httpfs`).

DuckDB reads the bucket through an fsspec filesystem (s3fs) registered on each connection: DuckDB 2.0.1's
own httpfs extension is not on the package registry (its `duckdb-extension-httpfs` packages stop at DuckDB
1.5.5 and refuse to load into 2.0.1) and cannot be downloaded here; the fsspec route runs the same SQL.

Settings are the standard AWS ones, so the tests' loopback server and a real bucket differ only in values:
`AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (or any other source of the AWS credential chain),
`AWS_REGION` (or `AWS_DEFAULT_REGION`) and `AWS_ENDPOINT_URL` for MinIO, on-premises S3 or a test server
(`http://` included).

The bucket has no rename and no lock, so batches are published by their audit log (see `manifest`): an
upload writes its data objects first and then the log, conditionally (S3's If-Match / If-None-Match), so a
reader sees a batch whole or not at all and two writers cannot both win.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache, lru_cache
from typing import TYPE_CHECKING, NamedTuple

from innovisits.data.config import ConfigError
from innovisits.data.lock import BOOKKEEPING_DIR

if TYPE_CHECKING:
    from fsspec import AbstractFileSystem

SCHEMES = ("s3://",)
MANIFEST = f"{BOOKKEEPING_DIR}/audit.jsonl"  # the audit log doubles as the list of published batches
_BATCH_OBJECT = re.compile(r"[a-z_]+/batch-[^/]+\.parquet")  # as `ingest.batches` names a batch's files


class Listed(NamedTuple):
    relative_path: str
    size: int
    modified_ns: int
    etag: str


def check(url: str) -> None:
    """Refuse a URL this engine cannot read, naming the setting."""
    bucket = url.removeprefix("s3://").partition("/")[0]
    if not url.startswith(SCHEMES) or not bucket:
        raise ConfigError(f"INNOVISITS_DATA_DIR={url}: object storage must be an s3://bucket/prefix URL")


def filesystem() -> AbstractFileSystem:
    """The S3 filesystem for the current AWS settings (one a set of settings, reused by every connection)."""
    names = ("AWS_ENDPOINT_URL", "AWS_REGION", "AWS_DEFAULT_REGION")
    return _filesystem(*(os.environ.get(name, "").strip() for name in names))


@cache
def _filesystem(endpoint: str, region: str, default_region: str) -> AbstractFileSystem:
    import s3fs  # here: only bucket deployments pay for importing it

    client = {"region_name": region or default_region or "us-east-1"}
    # The listing cache answers DuckDB's many size and date questions about the listed objects without a
    # request each; `list_files` empties it first, so every listing is fresh.
    return s3fs.S3FileSystem(endpoint_url=endpoint or None, client_kwargs=client, skip_instance_cache=True)


def is_batch_object(relative_path: str) -> bool:
    """True for an uploaded batch's data file: visible only while the manifest names its batch as active."""
    return _BATCH_OBJECT.fullmatch(relative_path) is not None


def _key(url: str) -> str:
    return url.removeprefix("s3://").rstrip("/")


@contextmanager
def reaching(url: str) -> Iterator[None]:
    """Turn a bucket that cannot be reached (no credentials, no such bucket, network) into a ConfigError
    naming the settings, which the pages and the CLI show as a message."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except (OSError, BotoCoreError, ClientError) as error:
        raise ConfigError(
            f"INNOVISITS_DATA_DIR={url} could not be reached ({type(error).__name__}: {error}); check the bucket "
            "name and AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ENDPOINT_URL"
        ) from error


def list_files(url: str) -> list[Listed]:
    """Every object under the prefix (one paginated listing), with its size and last change."""
    check(url)
    prefix = _key(url)
    fs = filesystem()
    with reaching(url):
        try:
            fs.invalidate_cache()  # all of it: s3fs would keep the cached folders below the prefix
            found = fs.find(prefix, detail=True)
        except FileNotFoundError:
            return []
    return [
        Listed(name[len(prefix) + 1 :], int(info["size"]), _ns(info.get("LastModified")), info.get("ETag", ""))
        for name, info in found.items()
        if info.get("type") == "file" and name.startswith(f"{prefix}/")
    ]


def _ns(when: datetime | None) -> int:
    return int((when or datetime(1970, 1, 1, tzinfo=UTC)).timestamp() * 1e9)


class Manifest(NamedTuple):
    """The audit log object as read, with the ETag a conditional rewrite must match (None: no log yet)."""

    text: str
    etag: str | None


class Conflict(Exception):
    """Another writer changed the manifest since it was read."""


def manifest(url: str, etag: str | None = None) -> Manifest:
    """The manifest now, its text and ETag from one request (so they always belong together); with `etag`,
    only that version of it (a reader that listed it), else Conflict."""
    check(url)
    fs = filesystem()
    bucket, key, _ = fs.split_path(f"{_key(url)}/{MANIFEST}")

    async def get() -> Manifest:
        response = await fs._call_s3("get_object", Bucket=bucket, Key=key, **({"IfMatch": etag} if etag else {}))
        try:
            return Manifest((await response["Body"].read()).decode("utf-8"), response["ETag"])
        finally:
            response["Body"].close()

    with reaching(url):
        from fsspec.asyn import sync  # fsspec (asyncio, ssl) only where a bucket is read: local processes start faster

        try:
            return sync(fs.loop, get)
        except FileNotFoundError:
            return Manifest("", None)
        except OSError as error:
            if etag is None:
                raise
            raise Conflict(f"{url}: the manifest changed since it was listed") from error


def published(url: str, listing: list[Listed]) -> Manifest:
    """The manifest of the version `listing` saw (its ETag is in the listing), read once per version."""
    found = next((f.etag for f in listing if f.relative_path == MANIFEST), None)
    return _published(url, found) if found else Manifest("", None)


@lru_cache(maxsize=16)
def _published(url: str, etag: str) -> Manifest:
    return manifest(url, etag)


def publish(url: str, read: Manifest, text: str) -> None:
    """Replace the manifest with `text` only if it is still the one `read` (compare-and-swap on the ETag)."""
    fs = filesystem()
    where = f"{_key(url)}/{MANIFEST}"
    condition = {"IfMatch": read.etag} if read.etag else {"IfNoneMatch": "*"}
    try:
        fs.pipe_file(where, text.encode("utf-8"), **condition)
    except OSError as error:
        if manifest(url).etag != read.etag:
            raise Conflict(f"{url}: another upload or undo finished first") from error
        with reaching(url):
            raise


def put(url: str, relative_path: str, local_file: str) -> None:
    """Upload one file (a single PUT: the object appears whole or not at all)."""
    with reaching(url):
        filesystem().put_file(local_file, f"{_key(url)}/{relative_path}")


def remove(url: str, relative_paths: list[str]) -> None:
    if relative_paths:
        with reaching(url):
            filesystem().rm([f"{_key(url)}/{p}" for p in relative_paths])
