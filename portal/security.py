"""Passwords (argon2id), signed session cookies and CSRF tokens.

The cookie carries `<random id>.<HMAC-SHA-256 of the id>`: the signature lets the portal reject a
forged or tampered cookie before touching the database, and the database row (keyed by a hash of
the id) holds who is logged in. The signing secret lives in `<home>/keys/portal-cookie.key` (mode
600), made on first start; deleting it logs everyone out.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import os
import secrets
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_PASSWORD_LENGTH = 12

_hasher = PasswordHasher()
# Verified against when the account does not exist, so the answer takes as long as for a real one.


@functools.cache
def _dummy_hash() -> str:
    """A hash to verify against when the account does not exist (same work, so no timing difference);
    made on first use, not at import (argon2 is slow on purpose)."""
    return _hasher.hash(secrets.token_urlsafe(16))


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    try:
        return _hasher.check_needs_rehash(stored_hash)
    except InvalidHashError:
        return False


def password_problem(password: str) -> str | None:
    """A Dutch reason why the password is not acceptable, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"het wachtwoord moet minstens {MIN_PASSWORD_LENGTH} tekens hebben."
    if password.strip() != password:
        return "het wachtwoord mag niet met een spatie beginnen of eindigen."
    return None


def load_or_create_secret(path: Path) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        secret = secrets.token_bytes(32)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as stream:
            stream.write(secret.hex())
    return bytes.fromhex(path.read_text().strip())


class CookieSigner:
    def __init__(self, secret: bytes):
        self._secret = secret

    def _signature(self, value: str) -> str:
        digest = hmac.new(self._secret, b"gmsd-portal-sessie:" + value.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def sign(self, session_id: str) -> str:
        return f"{session_id}.{self._signature(session_id)}"

    def unsign(self, cookie: str | None) -> str | None:
        """The session id when the signature is right; None for a missing, forged or tampered cookie."""
        if not cookie or cookie.count(".") != 1 or len(cookie) > 200:
            return None
        session_id, signature = cookie.split(".")
        if not session_id or not hmac.compare_digest(signature, self._signature(session_id)):
            return None
        return session_id


def new_token() -> str:
    return secrets.token_urlsafe(32)


def same_token(expected: str | None, given: str | None) -> bool:
    return bool(expected) and bool(given) and hmac.compare_digest(str(expected), str(given))
