"""Domain services: functions of (session, plain values) that enforce the rules.

They never commit: the request's unit of work does, once.
"""


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
