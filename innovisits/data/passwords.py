"""Staff passwords: argon2 hashes kept in secrets, never a built-in password, a growing wait after
repeated wrong attempts, counted per account (process-wide) and per session, and the signed, expiring token
that keeps a browser signed in across reloads. No Streamlit here."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

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
            delay = 0.0 if count < FREE_ATTEMPTS else min(MAX_WAIT, 2.0 ** (count - FREE_ATTEMPTS))
            self.failures[key] = (count, now + delay)

    def succeeded(self, key: str) -> None:
        with self.lock:
            self.failures.pop(key, None)


ACCOUNTS = Backoff()  # shared by every session of this server process


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
