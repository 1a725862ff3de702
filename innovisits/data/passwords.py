"""Staff passwords: argon2 hashes kept in secrets, never a built-in password, a growing wait after
repeated wrong attempts, counted per account (shared by every replica, see `SharedBackoff`) and per session,
and the signed, expiring token that keeps a browser signed in across reloads. No Streamlit here."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import sqlite3
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from innovisits.data import config, sql

FREE_ATTEMPTS = 3  # wrong passwords before waiting starts
MAX_WAIT = 300.0  # seconds
_hasher = PasswordHasher()


@cache
def _dummy() -> str:
    """A hash to check unknown accounts against, so they cost as much time as known ones."""
    return _hasher.hash("no such account")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify(accounts: Mapping[str, str], user: str, password: str) -> bool:
    """True when `user` is a configured account and `password` matches its argon2 hash."""
    stored = accounts.get(user)
    try:
        return _hasher.verify(stored or _dummy(), password) and stored is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def delay(count: int) -> float:
    """The wait after `count` wrong attempts: none for the first FREE_ATTEMPTS - 1, then 1 s, 2 s, 4 s ..."""
    return 0.0 if count < FREE_ATTEMPTS else min(MAX_WAIT, 2.0 ** (count - FREE_ATTEMPTS))


@dataclass
class Backoff:
    """Wrong attempts per key; after FREE_ATTEMPTS each further one doubles the wait (1 s, 2 s, 4 s ...)."""

    failures: dict[str, tuple[int, float]] = field(default_factory=dict)  # key -> (count, allowed again at)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self, key: str, now: float | None = None) -> float:
        """Seconds until `key` may try again (0 when it may now)."""
        now = time.monotonic() if now is None else now
        with self.lock:
            _, allowed_at = self.failures.get(key, (0, 0.0))
        return max(0.0, allowed_at - now)

    def failed(self, key: str, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self.lock:
            count = self.failures.get(key, (0, 0.0))[0] + 1
            self.failures[key] = (count, now + delay(count))

    def succeeded(self, key: str) -> None:
        with self.lock:
            self.failures.pop(key, None)


class SharedBackoff:
    """Wrong attempts per account in a small SQLite database that every replica opens (in the shared state
    directory), so a wait set by one replica holds on all. Checking and counting are one transaction: an
    attempt is counted as wrong before its password is checked (`claim`) and forgiven if it was right, so of
    any number of attempts at once, only those the count allows are checked (one after a wait runs out)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        with self._open() as con:
            con.execute(sql.load("throttle/setup"))

    @contextmanager
    def _open(self) -> Iterator[sqlite3.Connection]:
        """A connection in autocommit mode (transactions are explicit), closed after the block; waits up to
        30 s for another process's transaction."""
        with closing(sqlite3.connect(self.path, timeout=30, isolation_level=None)) as con:
            yield con

    def claim(self, key: str, now: float | None = None) -> float:
        """0 when `key` may try now (the attempt is counted as wrong until `succeeded`), else the seconds
        until it may, counting nothing. Wall-clock time: replicas share it, not their monotonic clocks."""
        now = time.time() if now is None else now
        with self._open() as con:
            con.execute("begin immediate")  # one claim at a time across every process
            count, allowed_at = con.execute(sql.load("throttle/failures"), {"account": key}).fetchone() or (0, 0.0)
            if allowed_at <= now:
                values = {"account": key, "count_failures": count + 1, "allowed_at": now + delay(count + 1)}
                con.execute(sql.load("throttle/record"), values)
            con.execute("commit")
        return max(0.0, allowed_at - now)

    def wait(self, key: str, now: float | None = None) -> float:
        """Seconds until `key` may try again (0 when it may now)."""
        now = time.time() if now is None else now
        return max(0.0, self._failures(key)[1] - now)

    def attempts(self, key: str) -> int:
        """Wrong attempts counted for `key` since its last right one."""
        return self._failures(key)[0]

    def _failures(self, key: str) -> tuple[int, float]:
        with self._open() as con:
            return con.execute(sql.load("throttle/failures"), {"account": key}).fetchone() or (0, 0.0)

    def succeeded(self, key: str) -> None:
        with self._open() as con:
            con.execute(sql.load("throttle/forgive"), {"account": key})


def accounts() -> SharedBackoff:
    """The sign-in throttle of this deployment, in `config.state_dir()` (a setting, or the data directory's
    bookkeeping folder)."""
    return SharedBackoff(config.state_dir() / "sign-in.sqlite")


# ----------------------------------------------------------------------------------------- remembered sign-in

SESSION_HOURS = 12  # a signed-in browser stays signed in this long, across reloads


def session_key(accounts: Mapping[str, str], secret: str = "") -> bytes:
    """The key that signs sign-in cookies: `[staff] cookie_secret` when set, else derived from the accounts'
    argon2 hashes (secret, and only in secrets.toml), so changing a password or removing an account ends
    every remembered sign-in made before."""
    material = secret or "\n".join(f"{user}\t{accounts[user]}" for user in sorted(accounts))
    return hashlib.sha256(b"innovisits sign-in cookie\n" + material.encode("utf-8")).digest()


def session_token(user: str, key: bytes, now: float | None = None, hours: float = SESSION_HOURS) -> str:
    """A cookie value naming `user` until it expires, signed with `key`: `<base64url payload>.<hmac hex>`."""
    expires = int((time.time() if now is None else now) + hours * 3600)
    payload = base64.urlsafe_b64encode(json.dumps({"u": user, "exp": expires}).encode()).decode().rstrip("=")
    return f"{payload}.{hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()}"


def session_user(token: str | None, key: bytes, now: float | None = None) -> str | None:
    """The account a cookie names, if its signature is right and it has not expired; else None."""
    payload, _, signature = (token or "").partition(".")
    expected = hmac.new(key, payload.encode(), hashlib.sha256).hexdigest()
    if not payload or not hmac.compare_digest(signature, expected):
        return None
    try:
        found = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        user, expires = str(found["u"]), float(found["exp"])
    except (ValueError, KeyError, TypeError):
        return None
    return user if (time.time() if now is None else now) < expires else None
