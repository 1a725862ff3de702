"""The audit log, `<data dir>/.innovisits/audit.jsonl`: one JSON line per event (a batch added or
withdrawn), appended and fsynced. The log is the record of which batches exist; history reads it."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from innovisits.data import paths
from innovisits.data.lock import meta_dir


def log_path(data_dir: Path) -> Path:
    return meta_dir(data_dir) / "audit.jsonl"


def events(data_dir: Path) -> list[dict[str, Any]]:
    """Every complete event, oldest first (a line torn by a crash is skipped; recovery rewrites it)."""
    path = log_path(data_dir)
    if not path.is_file():
        return []
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            found.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return found


def append(data_dir: Path, event: dict[str, Any]) -> None:
    """Add one event durably; a torn last line (crash mid-write) is ended first so it cannot swallow this one."""
    path = log_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab") as f:
        if f.tell() and path.read_bytes()[-1:] != b"\n":
            f.write(b"\n")
        f.write((json.dumps(event, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8"))
        f.flush()
        os.fsync(f.fileno())


def check(data_dir: Path, event: object) -> None:
    """Raise `paths.UnsafePath` unless the event has the shape `batches` writes: a batch id, and for an
    added batch its data files and created folders in the data directory (undo moves and removes them)."""
    if not isinstance(event, dict) or event.get("event") not in ("add", "undo"):
        raise paths.UnsafePath(f"not an audit event: {str(event)[:80]!r}")
    batch = paths.batch_id(event.get("batch_id"))
    if event["event"] == "add":
        listed = event.get("paths"), event.get("created_dirs")
        if not all(isinstance(found, list) for found in listed):
            raise paths.UnsafePath(f"batch {batch} lists no paths")
        for path in listed[0]:
            paths.batch_file(data_dir, path, batch)
        for folder in listed[1]:
            paths.table_folder(data_dir, folder)


def verify(data_dir: Path) -> None:
    """Check every batch event of the log (a restore checks a backup's log before it is used); other objects
    are ignored by every reader, anything but an object would break them."""
    for event in events(data_dir):
        if not isinstance(event, dict) or event.get("event") in ("add", "undo"):
            check(data_dir, event)


def has(data_dir: Path, event: str, batch_id: str) -> bool:
    return any(e.get("event") == event and e.get("batch_id") == batch_id for e in events(data_dir))


@dataclass(frozen=True)
class Batch:
    batch_id: str
    at: str
    by: str
    files: list[dict[str, Any]]  # name, sha256, bytes, kind, rows
    rows: dict[str, int]  # table -> rows added
    paths: list[str]  # data files, relative to the data directory
    created_dirs: list[str]
    withdrawn_at: str | None = None
    withdrawn_by: str | None = None

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None


def batches(data_dir: Path) -> list[Batch]:
    """Every batch ever stored, newest first, with its withdrawal if any."""
    added: dict[str, Batch] = {}
    for event in events(data_dir):
        if event.get("event") == "add":
            fields = {k: event[k] for k in ("batch_id", "at", "by", "files", "rows", "paths", "created_dirs")}
            added[event["batch_id"]] = Batch(**fields)
        elif event.get("event") == "undo" and event.get("batch_id") in added:
            old = added[event["batch_id"]]
            added[old.batch_id] = Batch(**{**old.__dict__, "withdrawn_at": event["at"], "withdrawn_by": event["by"]})
    return sorted(added.values(), key=lambda b: b.batch_id, reverse=True)


def active_checksums(data_dir: Path) -> dict[str, str]:
    """sha256 of every file in an active batch -> that batch's id (an identical re-upload is pointed out)."""
    return {f["sha256"]: b.batch_id for b in batches(data_dir) if b.is_active for f in b.files}
