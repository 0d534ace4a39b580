"""Password hashing, one-time tokens, CSRF tokens and the signed session cookie."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from itsdangerous import BadSignature, URLSafeTimedSerializer

from placement.i18n import gettext

PASSWORD_MIN = 12
PASSWORD_MAX = 128
SESSION_COOKIE = "placement_session"
SESSION_MAX_AGE = 14 * 24 * 3600

# A short list of the passwords that long-enough rules still let through.
COMMON_PASSWORDS = frozenset(
    {
        "123456789012",
        "1234567890123",
        "12345678901234",
        "password1234",
        "password12345",
        "passwordpassword",
        "qwertyuiopas",
        "qwerty123456",
        "iloveyou1234",
        "letmein12345",
        "111111111111",
        "000000000000",
        "aaaaaaaaaaaa",
        "abcdefghijkl",
        "abc123abc123",
        "welcome12345",
        "administrator",
        "trustno1trustno1",
        "football1234",
        "baseball1234",
        "changeme1234",
        "masseuse1234",
        "massage12345",
        "placement123",
        "correcthorsebattery",
    }
)


def make_hasher(*, fast: bool) -> PasswordHasher:
    """Argon2id; the test environment lowers the cost so the suite stays quick."""
    if fast:
        return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    return PasswordHasher()


@dataclass
class Passwords:
    hasher: PasswordHasher

    def hash(self, password: str) -> str:
        return self.hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        if not password_hash:
            # Spend the same time as a real check so an unknown e-mail is not revealed.
            self.hasher.hash(password)
            return False
        try:
            return self.hasher.verify(password_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    def needs_rehash(self, password_hash: str) -> bool:
        try:
            return self.hasher.check_needs_rehash(password_hash)
        except InvalidHashError:
            return True


def password_problem(password: str, *, email: str = "") -> str | None:
    """The message for an unacceptable password (in the reader's language), or None when it
    is fine."""
    if len(password) < PASSWORD_MIN:
        return gettext("Use at least %(min)s characters.", min=PASSWORD_MIN)
    if len(password) > PASSWORD_MAX:
        return gettext("Use at most %(max)s characters.", max=PASSWORD_MAX)
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or len(set(password)) < 3:
        return gettext("This password is too common; choose another.")
    if email and lowered == email.lower():
        return gettext("Don't use your e-mail address as the password.")
    return None


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Tokens are stored hashed: a database leak does not hand out working links."""
    return hashlib.sha256(token.encode()).hexdigest()


def tokens_equal(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    return hmac.compare_digest(a.encode(), b.encode())


class SessionSigner:
    """The session cookie: only ids, a session version and the CSRF token, signed."""

    def __init__(self, secret_key: str) -> None:
        self.serializer = URLSafeTimedSerializer(secret_key, salt="placement.session")

    def dumps(self, data: dict[str, Any]) -> str:
        return self.serializer.dumps(data)

    def loads(self, cookie: str) -> dict[str, Any] | None:
        try:
            data = self.serializer.loads(cookie, max_age=SESSION_MAX_AGE)
        except (BadSignature, ValueError, TypeError):
            return None
        return data if isinstance(data, dict) else None
