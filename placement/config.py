"""Settings from the environment, read in one place with strict types.

A missing SECRET_KEY in production stops the start with a sentence that says why.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

ENVIRONMENTS = ("development", "production", "test")
ACCREDITORS = ("abhes", "accsc", "comta", "nace")
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


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
    # The site's public origin: every link in a mail is absolute from it, never from `Host`.
    base_url: str = DEFAULT_BASE_URL
    # Empty means the default: the host of base_url plus localhost and 127.0.0.1.
    allowed_hosts: tuple[str, ...] = ()
    school_timezone: str = "America/Los_Angeles"
    accreditor: str = "abhes"
    # Registrations per client address: generous, so a school's open day behind one address
    # still works.
    register_limit: int = 100
    register_window_seconds: int = 3600

    @property
    def hosts(self) -> frozenset[str]:
        """The `Host` names (without port) this site answers to; any other gets 400."""
        if self.allowed_hosts:
            return frozenset(host.lower() for host in self.allowed_hosts)
        own = (urlsplit(self.base_url).hostname or "").lower()
        return frozenset(host for host in (own, "localhost", "127.0.0.1") if host)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.school_timezone)

    @property
    def production(self) -> bool:
        return self.environment == "production"

    @property
    def testing(self) -> bool:
        return self.environment == "test"

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
        base_url=_base_url(env, environment),
        allowed_hosts=_hosts(env),
        school_timezone=_timezone(env),
        accreditor=_choice(env, "ACCREDITOR", ACCREDITORS, "abhes"),
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


def _base_url(env: Mapping[str, str], environment: str) -> str:
    raw = env.get("BASE_URL", "").strip().rstrip("/")
    if not raw:
        if environment == "production":
            raise ConfigError(
                "BASE_URL is not set. In production every link in a mail (password resets, "
                "invitations) is built from it, never from the request's Host header: set "
                "BASE_URL to the site's public origin, e.g. https://careers.school.example."
            )
        return DEFAULT_BASE_URL
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise ConfigError(f"BASE_URL must be an http(s) origin such as https://host, not {raw!r}.")
    return raw


def _hosts(env: Mapping[str, str]) -> tuple[str, ...]:
    raw = env.get("ALLOWED_HOSTS", "")
    return tuple(host.strip().lower() for host in raw.split(",") if host.strip())


def _timezone(env: Mapping[str, str]) -> str:
    name = env.get("SCHOOL_TIMEZONE", "").strip() or "America/Los_Angeles"
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"SCHOOL_TIMEZONE must be an IANA time zone such as America/Los_Angeles, not {name!r}."
        ) from None
    return name


def _choice(env: Mapping[str, str], name: str, choices: tuple[str, ...], default: str) -> str:
    value = env.get(name, "").strip().lower() or default
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return value


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
