"""The audit log, `<data dir>/.innovisits/audit.jsonl`: one JSON line per event (a batch added or
withdrawn), appended and fsynced. The log is the record of which batches exist; history reads it."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

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


def batches(data_dir: Path) -> list[Batch]:
    """Every batch ever stored, newest first, with its withdrawal if any."""
    added: dict[str, Batch] = {}
    recorded = [f.name for f in fields(Batch) if not f.name.startswith("withdrawn")]
    for event in events(data_dir):
        if event.get("event") == "add":
            added[event["batch_id"]] = Batch(**{k: event[k] for k in recorded if k in event})
        elif event.get("event") == "undo" and event.get("batch_id") in added:
            old = added[event["batch_id"]]
            added[old.batch_id] = Batch(**{**old.__dict__, "withdrawn_at": event["at"], "withdrawn_by": event["by"]})
    return sorted(added.values(), key=lambda b: b.batch_id, reverse=True)


def active_checksums(data_dir: Path) -> dict[str, str]:
    """sha256 of every file in an active batch -> that batch's id (an identical re-upload is pointed out)."""
    return {f["sha256"]: b.batch_id for b in batches(data_dir) if b.is_active for f in b.files}
