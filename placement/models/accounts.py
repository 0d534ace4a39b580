"""Users, sign-in bookkeeping, one-time tokens and API tokens."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import CheckConstraint
from sqlmodel import Field, SQLModel

from placement.models._base import one_of, utcnow


class Language(StrEnum):
    EN = "en"
    ES = "es"


class EmailFrequency(StrEnum):
    """How often mail of the `digest` class reaches a person (security and time-critical mail
    always goes at once)."""

    IMMEDIATE = "immediate"
    DAILY = "daily"
    WEEKLY = "weekly"
    OFF = "off"


API_TOKEN_LIFETIME = timedelta(days=90)  # the default of `expires_in_days`


class User(SQLModel, table=True):
    __table_args__ = (
        CheckConstraint(one_of("language", Language), name="language"),
        CheckConstraint(one_of("email_frequency", EmailFrequency), name="email_frequency"),
    )
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True)
    password_hash: str | None = Field(default=None, max_length=255)
    role: str = Field(max_length=16, index=True)
    name: str = Field(default="", max_length=200)
    active: bool = Field(default=True)
    # Bumped on sign-out, password change, deactivation, role change and team removal:
    # every cookie carrying an older number stops working at once.
    session_version: int = Field(default=1)
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None
    password_changed_at: datetime | None = None
    # Set when the owner of the address opened a link mailed to it (the confirmation mailed at
    # an employer's registration, an invitation or a reset); cleared when the e-mail changes.
    email_confirmed_at: datetime | None = None
    # /account/notifications: the language of the account's mail, and how often it comes.
    language: str = Field(default=Language.EN, max_length=2)
    email_frequency: str = Field(default=EmailFrequency.IMMEDIATE, max_length=16)


class LoginAttempt(SQLModel, table=True):
    """One hit against a limit (a sign-in attempt, a registration, a reset mail), counted per
    key (`account:…`, `address:…`, `register:…`, `reset:…`) in a sliding window."""

    __tablename__ = "login_attempt"
    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=300, index=True)
    attempted_at: datetime = Field(default_factory=utcnow, index=True)


class OneTimeToken(SQLModel, table=True):
    """Password reset, colleague invitation and account claim links; only the hash is kept."""

    __tablename__ = "one_time_token"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    purpose: str = Field(max_length=16)
    token_hash: str = Field(max_length=64, unique=True)
    # The address the link was mailed to: the link dies once the account's e-mail changes.
    sent_to: str | None = Field(default=None, max_length=254)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime
    # Set when the link was used, or voided by a newer link for the same purpose.
    used_at: datetime | None = None


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=100)
    prefix: str = Field(max_length=12)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow)
    expires_at: datetime = Field(default_factory=lambda: utcnow() + API_TOKEN_LIFETIME)
    last_used_at: datetime | None = None
    revoked_at: datetime | None = None
