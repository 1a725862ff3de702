"""Backup and restore of a whole data directory (tables, uploads, InnoVisits' own `.innovisits/` bookkeeping).

A backup is a tar.gz holding `data/<path>` for every file and a `manifest.json` listing each file's size and
sha256. It is taken under the data directory's shared lock (see `locking`), so a running upload either is
wholly in it or not at all. A restore checks every byte against the manifest in a staging directory beside
the target before it touches the target, then swaps the directories by rename: a corrupt, truncated or
hostile archive (absolute paths, `..`, links) is refused and the target is left as it was. So is an archive
whose bookkeeping (journal, audit log) names paths InnoVisits never writes: the next ingest, undo or store
load would act on them.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import shutil
import tarfile
import tempfile
import tomllib
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO

from innovisits.data import audit, journal, paths
from innovisits.data.config import PROJECT_DIR
from innovisits.data.lock import BOOKKEEPING_DIR, LOCK_NAME, data_lock, reading

FORMAT = "innovisits-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA_PREFIX = "data/"
# Never part of a snapshot: the lock itself, temporary files and caches. (Everything else in `.innovisits/`
# is kept: an ingest's staging files and journal only exist between its exclusive-lock steps, or after a
# crash, when the next ingest or store load needs them to finish or roll back the batch.)
LOCK_FILE = f"{BOOKKEEPING_DIR}/{LOCK_NAME}"
EXCLUDED_DIR_NAMES = ("__pycache__", ".cache")
EXCLUDED_SUFFIXES = (".tmp", ".partial")
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore could not be done; the message says why and what was (not) changed."""


@dataclass(frozen=True)
class FileEntry:
    path: str  # POSIX path relative to the data directory
    size: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    created_at: str
    app_version: str
    files: tuple[FileEntry, ...]

    @property
    def total_bytes(self) -> int:
        return sum(f.size for f in self.files)

    def to_json(self) -> bytes:
        body = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "app_version": self.app_version,
            "created_at": self.created_at,
            "files": [{"path": f.path, "size": f.size, "sha256": f.sha256} for f in self.files],
        }
        return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        try:
            body = json.loads(raw)
            if body.get("format") != FORMAT or body.get("format_version") != FORMAT_VERSION:
                raise BackupError(f"{MANIFEST} is not an {FORMAT} version {FORMAT_VERSION} manifest")
            files = tuple(FileEntry(f["path"], int(f["size"]), str(f["sha256"])) for f in body["files"])
            return cls(str(body["created_at"]), str(body["app_version"]), files)
        except (ValueError, KeyError, TypeError, AttributeError) as error:
            raise BackupError(f"{MANIFEST} is unreadable ({error})") from error


def app_version() -> str:
    with (PROJECT_DIR / "pyproject.toml").open("rb") as f:
        return tomllib.load(f)["project"]["version"]


def is_excluded(relative: str) -> bool:
    """Whether a file (POSIX path relative to the data directory) is left out of backups."""
    folders = PurePosixPath(relative).parts[:-1]
    return (
        relative == LOCK_FILE
        or relative.endswith(EXCLUDED_SUFFIXES)
        or any(name in EXCLUDED_DIR_NAMES for name in folders)
    )


def snapshot_files(data_dir: Path) -> list[str]:
    """The files a backup holds, as sorted POSIX paths relative to the data directory (links to files are
    backed up as their content; linked directories are not followed)."""
    found = []
    for root, dirs, files in os.walk(data_dir):
        dirs[:] = sorted(d for d in dirs if d not in EXCLUDED_DIR_NAMES)
        for name in files:
            path = Path(root, name)
            relative = path.relative_to(data_dir).as_posix()
            if path.is_file() and not is_excluded(relative):
                found.append(relative)
    return sorted(found)


class _Hashing:
    """A file reader that hashes what passes through it, so each file is read once."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw, self.sha, self.size = raw, hashlib.sha256(), 0

    def read(self, n: int = -1) -> bytes:
        chunk = self.raw.read(n)
        self.sha.update(chunk)
        self.size += len(chunk)
        return chunk


def backup(data_dir: Path, out: Path, *, timeout: float | None = None) -> Manifest:
    """Write a snapshot of `data_dir` to `out` (tar.gz), atomically: `out` appears only when complete."""
    data_dir, out = Path(data_dir).resolve(), Path(out).absolute()
    if not data_dir.is_dir():
        raise BackupError(f"{data_dir} is not a directory")
    if out.resolve().is_relative_to(data_dir):
        raise BackupError(f"{out} is inside the data directory {data_dir}; write the backup elsewhere")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.{os.getpid()}.partial")
    try:
        with reading(data_dir, timeout=timeout), partial.open("wb") as sink:  # writes nothing in data_dir
            with tarfile.open(fileobj=sink, mode="w:gz") as tar:
                entries = [_add_file(tar, data_dir, relative) for relative in snapshot_files(data_dir)]
                manifest = Manifest(datetime.now(UTC).isoformat(timespec="seconds"), app_version(), tuple(entries))
                _add_bytes(tar, MANIFEST, manifest.to_json())
            sink.flush()
            os.fsync(sink.fileno())
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def _add_file(tar: tarfile.TarFile, data_dir: Path, relative: str) -> FileEntry:
    with (data_dir / relative).open("rb") as f:
        stat = os.fstat(f.fileno())
        info = tarfile.TarInfo(DATA_PREFIX + relative)
        info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o644
        reader = _Hashing(f)
        try:
            tar.addfile(info, reader)
        except OSError as error:
            message = f"{relative} changed while it was being copied ({error}); is a writer ignoring the lock?"
            raise BackupError(message) from error
    return FileEntry(relative, reader.size, reader.sha.hexdigest())


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), int(datetime.now(UTC).timestamp()), 0o644
    tar.addfile(info, io.BytesIO(data))


# ------------------------------------------------------------------------------------------------ restore


def restore(archive: Path, target: Path, *, force: bool = False, timeout: float | None = None) -> Manifest:
    """Bring a backup back into `target`: verified in full beside it first, then swapped in by rename.

    Refuses a non-empty `target` unless `force`; on any failure `target` is exactly as it was.
    """
    archive, target = Path(archive), Path(target).absolute()
    if target.exists() and not target.is_dir():
        raise BackupError(f"{target} exists and is not a directory")
    if _is_non_empty(target) and not force:
        raise BackupError(f"{target} is not empty; nothing was changed (use --force to replace it)")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.restore-", dir=target.parent))
    try:
        manifest = _extract_verified(archive, staging)
        staging.chmod(target.stat().st_mode & 0o7777 if target.exists() else 0o777 & ~_umask())
        _swap_in(staging, target, timeout)
    finally:
        shutil.rmtree(staging, ignore_errors=True)  # gone already after a successful swap
    return manifest


def _is_non_empty(directory: Path) -> bool:
    return directory.is_dir() and any(directory.iterdir())


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def _member_path(member: tarfile.TarInfo) -> str:
    """The member's name if it is a safe, regular entry of a backup; refuse anything else."""
    name = member.name
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or "\\" in name or not path.parts:
        raise BackupError(f"unsafe path {name!r} in the archive; nothing was changed")
    if not (member.isfile() or member.isdir()):
        raise BackupError(f"{name!r} in the archive is a link or special file; nothing was changed")
    if name != MANIFEST and not name.startswith(DATA_PREFIX):
        raise BackupError(f"unexpected entry {name!r}: not an InnoVisits backup; nothing was changed")
    return path.as_posix()


def _extract_verified(archive: Path, staging: Path) -> Manifest:
    """Extract into `staging`, hashing as it goes, and check the result matches the manifest exactly."""
    found: dict[str, FileEntry] = {}
    raw_manifest = None
    try:
        with tarfile.open(archive, mode="r:gz") as tar:
            for member in tar:
                name = _member_path(member)
                if member.isdir():
                    continue
                source = tar.extractfile(member)
                if name == MANIFEST:
                    raw_manifest = source.read()
                    continue
                relative = name.removeprefix(DATA_PREFIX)
                if relative in found:
                    raise BackupError(f"{name!r} appears twice in the archive; nothing was changed")
                found[relative] = _write(source, staging / relative, member.mtime, relative)
    except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as error:
        raise BackupError(f"{archive} is corrupt or truncated ({error}); nothing was changed") from error
    except OSError as error:
        raise BackupError(f"could not restore from {archive}: {error}; nothing was changed") from error
    if raw_manifest is None:
        raise BackupError(f"{archive} has no {MANIFEST}: partial, or not an InnoVisits backup; nothing was changed")
    manifest = Manifest.from_json(raw_manifest)
    _check(manifest, found, archive, staging)
    _check_bookkeeping(staging, archive)
    return manifest


def _write(source: IO[bytes], dest: Path, mtime: float, relative: str) -> FileEntry:
    dest.parent.mkdir(parents=True, exist_ok=True)
    reader = _Hashing(source)
    with dest.open("xb") as sink:
        while chunk := reader.read(CHUNK):
            sink.write(chunk)
    os.utime(dest, (mtime, mtime))
    return FileEntry(relative, reader.size, reader.sha.hexdigest())


def _check(manifest: Manifest, found: dict[str, FileEntry], archive: Path, staging: Path) -> None:
    listed = {f.path: f for f in manifest.files}
    problems: list[str] = []
    if unsafe := sorted(p for p in listed if not _is_inside(staging, p)):
        problems.append(f"{len(unsafe)} unsafe path(s), e.g. {unsafe[0]!r}")
    if missing := sorted(listed.keys() - found.keys()):
        problems.append(f"{len(missing)} file(s) missing, e.g. {missing[0]}")
    if extra := sorted(found.keys() - listed.keys()):
        problems.append(f"{len(extra)} file(s) not in the manifest, e.g. {extra[0]}")
    if changed := sorted(p for p in listed.keys() & found.keys() if listed[p] != found[p]):
        problems.append(f"{len(changed)} file(s) fail their checksum, e.g. {changed[0]}")
    if problems:
        raise BackupError(f"{archive} does not match its manifest: {'; '.join(problems)}; nothing was changed")


def _is_inside(staging: Path, listed: str) -> bool:
    """A manifest path names a file inside the restored directory."""
    try:
        paths.inside(staging, listed)
    except paths.UnsafePath:
        return False
    return True


def _check_bookkeeping(staging: Path, archive: Path) -> None:
    """The restored journal and audit log name only paths InnoVisits writes, inside the data directory:
    recovery would carry out the journal's renames, and undo would move a logged batch's files."""
    try:
        if journal.path(staging).exists():
            journal.read(staging)
        audit.verify(staging)
    except paths.UnsafePath as error:
        raise BackupError(
            f"{archive} holds bookkeeping InnoVisits did not write ({error}); nothing was changed"
        ) from error


def _swap_in(staging: Path, target: Path, timeout: float | None) -> None:
    """Put `staging` where `target` is. An empty or absent target is replaced by one rename; a non-empty
    one is moved aside under its own exclusive lock (so no upload is half-way through it) and deleted."""
    if not _is_non_empty(target):
        staging.rename(target)  # rename(2) replaces an empty directory
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{target.name}.replaced-", dir=target.parent))
    with data_lock(target, timeout=timeout):
        target.rename(aside)
        staging.rename(target)
    shutil.rmtree(aside)
