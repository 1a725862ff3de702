"""The audit log, `<data dir>/.innovisits/audit.jsonl`: one JSON line per event (a batch added or
withdrawn), appended and fsynced. The log is the record of which batches exist; history reads it. On a
bucket it is one object, rewritten whole and conditionally by each upload or undo (`bucket.publish`), and it
is also the manifest: readers see exactly the batches it names as active."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from innovisits.data import bucket, paths
from innovisits.data.config import is_url
from innovisits.data.lock import meta_dir


def log_path(data_dir: Path) -> Path:
    return meta_dir(data_dir) / "audit.jsonl"


def events(data_dir: Path | str) -> list[dict[str, Any]]:
    """Every complete event, oldest first (a line torn by a crash is skipped; recovery rewrites it)."""
    if is_url(data_dir):
        return parse(bucket.manifest(str(data_dir)).text)
    path = log_path(Path(data_dir))
    return parse(path.read_text(encoding="utf-8")) if path.is_file() else []


def parse(text: str) -> list[dict[str, Any]]:
    """The complete events of a log's text."""
    found = []
    for line in text.splitlines():
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
        f.write(as_line(event).encode("utf-8"))
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
        for original, stash in event.get("superseded") or []:  # files a correction set aside
            paths.data_file(data_dir, original)
            paths.bookkeeping(data_dir, stash, f"superseded/{batch}")


def verify(data_dir: Path) -> None:
    """Check every batch event of the log (a restore checks a backup's log before it is used); other objects
    are ignored by every reader, anything but an object would break them."""
    for event in events(data_dir):
        if not isinstance(event, dict) or event.get("event") in ("add", "undo"):
            check(data_dir, event)


def as_line(event: dict[str, Any]) -> str:
    """One event as the log stores it."""
    return json.dumps(event, ensure_ascii=False, sort_keys=True) + "\n"


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
    superseded: list[list[str]] = field(default_factory=list)  # [data file, where it was set aside] it corrects
    corrected: dict[str, int] = field(default_factory=dict)  # table -> stored rows corrected
    changes: list[list[Any]] = field(default_factory=list)  # [table, key, column, old, new] per changed value
    visits: list[str] = field(default_factory=list)  # ids of the visits it adds to or corrects (the first few)
    visit_count: int = 0
    reference: dict[str, Any] = field(default_factory=dict)  # a reference batch: what staff added or renamed

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None

    def reference_text(self) -> str:
        """What a reference batch did, in the words of the command that does it ('' for an upload)."""
        done = self.reference
        if not done:
            return ""
        if done["action"] == "alias":
            return f"alias {done['alias']} → {done['kind']} {done['code']}"
        return f"{done['action']} {done['kind']} {done['code']} ({done['en']} / {done['zh']})"

    def visit_text(self) -> str:
        """Its visits by id, how people know a batch: 'K5, K6', or the first ones and how many more."""
        more = self.visit_count - len(self.visits)
        return ", ".join(self.visits) + (f" … (+{more:,})" if more > 0 else "")


def batches(data_dir: Path | str) -> list[Batch]:
    """Every batch ever stored, newest first, with its withdrawal if any."""
    return batches_of(events(data_dir))


def batches_of(logged: list[dict[str, Any]]) -> list[Batch]:
    """The batches these events describe, newest first."""
    added: dict[str, Batch] = {}
    recorded = [f.name for f in fields(Batch) if not f.name.startswith("withdrawn")]
    for event in logged:
        if event.get("event") == "add":
            added[event["batch_id"]] = Batch(**{k: event[k] for k in recorded if k in event})
        elif event.get("event") == "undo" and event.get("batch_id") in added:
            old = added[event["batch_id"]]
            added[old.batch_id] = Batch(**{**old.__dict__, "withdrawn_at": event["at"], "withdrawn_by": event["by"]})
    return sorted(added.values(), key=lambda b: b.batch_id, reverse=True)


def active_checksums(data_dir: Path | str) -> dict[str, str]:
    """sha256 of every file in an active batch -> that batch's id (an identical re-upload is pointed out)."""
    return {f["sha256"]: b.batch_id for b in batches(data_dir) if b.is_active for f in b.files}
