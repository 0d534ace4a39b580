"""Settings from the environment, read in one place with strict types.

A missing SECRET_KEY in production stops the start with a sentence that says why.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

ENVIRONMENTS = ("development", "production", "test")


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the message says which and how to fix it."""


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///./placement.db"
    secret_key: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)
    environment: str = "development"
    max_upload_bytes: int = 5 * 1024 * 1024
    smtp_url: str | None = None
    mail_dir: Path | None = None
    reset_token_ttl_seconds: int = 3600
    upload_dir: Path = Path("./uploads")
    login_limit: int = 10
    login_window_seconds: int = 300

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @property
    def testing(self) -> bool:
        return self.environment == "test"

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @property
    def max_body_bytes(self) -> int:
        """Room for one résumé plus the other form fields of a multipart body."""
        return self.max_upload_bytes + 64 * 1024


def _int(env: Mapping[str, str], name: str, default: int, *, minimum: int = 1) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {value}.")
    return value


def _normalise_database_url(url: str) -> str:
    """Accept the URLs hosting platforms hand out and use psycopg 3 for PostgreSQL."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    environment = env.get("PLACEMENT_ENV", "development").strip() or "development"
    if environment not in ENVIRONMENTS:
        raise ConfigError(
            f"PLACEMENT_ENV must be one of {', '.join(ENVIRONMENTS)}, not {environment!r}."
        )
    secret_key = env.get("SECRET_KEY", "").strip()
    if not secret_key:
        if environment == "production":
            raise ConfigError(
                "SECRET_KEY is not set. In production it signs every session cookie and must "
                "stay the same across restarts and workers: set SECRET_KEY to a long random "
                "value, for example the output of "
                "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
            )
        secret_key = _development_secret()
    elif environment == "production" and len(secret_key) < 32:
        raise ConfigError("SECRET_KEY must have at least 32 characters in production.")
    mail_dir = env.get("MAIL_DIR", "").strip()
    return Settings(
        database_url=_normalise_database_url(
            env.get("DATABASE_URL", "").strip() or "sqlite:///./placement.db"
        ),
        secret_key=secret_key,
        environment=environment,
        max_upload_bytes=_int(env, "MAX_UPLOAD_BYTES", 5 * 1024 * 1024),
        smtp_url=env.get("SMTP_URL", "").strip() or None,
        mail_dir=Path(mail_dir) if mail_dir else None,
        reset_token_ttl_seconds=_int(env, "RESET_TOKEN_TTL_SECONDS", 3600),
        upload_dir=Path(env.get("UPLOAD_DIR", "").strip() or "./uploads"),
    )


def _development_secret() -> str:
    """A per-checkout key so development sessions survive restarts and reach every worker."""
    path = Path(".placement-secret")
    try:
        return path.read_text().strip() or _write_secret(path)
    except FileNotFoundError:
        return _write_secret(path)


def _write_secret(path: Path) -> str:
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key
