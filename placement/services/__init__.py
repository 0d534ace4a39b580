"""Domain services: functions of (session, plain values) that enforce the rules.

They never commit: the request's unit of work does, once. A function that changes state takes
the `Actor` who asks, for its permission checks and its audit events.
"""

from __future__ import annotations

from dataclasses import dataclass

from placement.i18n import gettext

STAFF_ROLES = ("staff", "admin")


@dataclass(frozen=True)
class Actor:
    """Who acts: the one spelling of "who did this" for the permission checks and the audit log.

    The web guards build it from the signed-in viewer and the client address
    (`placement.web.guards.actor`); the command line, the worker and the public link pages
    build their own (`user_id` None, a role such as "cli", "system" or "contact").
    `employer_id` and `graduate_id` say whose side a signed-in employer or graduate acts for.
    """

    user_id: int | None
    role: str
    ip: str = ""
    employer_id: int | None = None
    graduate_id: int | None = None

    @property
    def side(self) -> str:
        """graduate | employer | staff (an admin acts as career services)."""
        return "staff" if self.role in STAFF_ROLES else self.role


class DomainError(Exception):
    """A rule said no; the web layer shows `message` at `field` (or at the top of the form)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(Exception):
    """The object does not exist or belongs to someone else: both answer 404."""


class Conflict(DomainError):
    """Somebody else changed the record first."""


class Forbidden(DomainError):
    """The actor may not do this (an organisation member who is not an owner): 403."""


def clean_text(text: str | None, field: str, limit: int, *, required: bool = False) -> str:
    """A form's free text, stripped; DomainError at `field` for a NUL character, more than
    `limit` characters, or nothing when `required`."""
    value = (text or "").strip()
    if "\x00" in value:
        raise DomainError(gettext("Remove the invisible NUL character."), field)
    if len(value) > limit:
        raise DomainError(gettext("Use at most %(max)s characters.", max=limit), field)
    if required and not value:
        raise DomainError(gettext("This field is required."), field)
    return value
