"""The append-only audit log: who did what to which object, when, from where."""

from __future__ import annotations

import contextvars
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from sqlmodel import Session, func, or_, select

from placement import formats
from placement.models import AuditEvent
from placement.services import Actor

# The client address of the request being served: every event records it (set by the
# web layer's `endpoint` wrapper; empty for the command line and the worker).
_client_address: contextvars.ContextVar[str] = contextvars.ContextVar("client_address", default="")


def set_client_address(address: str) -> contextvars.Token[str]:
    return _client_address.set(address)


def reset_client_address(token: contextvars.Token[str]) -> None:
    _client_address.reset(token)


def record(
    db: Session,
    action: str,
    *,
    actor: Actor,
    object_type: str = "",
    object_id: int | None = None,
    detail: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one event; its address is the actor's, else the request's being served."""
    event = AuditEvent(
        actor_user_id=actor.user_id,
        actor_role=actor.role,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail[:4000],
        before=json.dumps(before, default=str, sort_keys=True) if before is not None else None,
        after=json.dumps(after, default=str, sort_keys=True) if after is not None else None,
        ip=(actor.ip or _client_address.get())[:64],
    )
    db.add(event)
    return event


REDACTED = "[deleted]"


def forget(db: Session, terms: list[str]) -> int:
    """Erase a person's name, e-mail and licence numbers wherever the log still holds them
    (events written before the log kept to ids and codes); returns how many events changed.

    The log is otherwise append-only: this is the one edit, made when an account is deleted
    on its owner's request."""
    words = sorted({term.strip() for term in terms if term and len(term.strip()) >= 3}, key=len)
    if not words:
        return 0
    pattern = re.compile(
        "|".join(rf"(?<!\w){re.escape(word)}(?!\w)" for word in reversed(words)), re.IGNORECASE
    )
    columns = (AuditEvent.detail, AuditEvent.before, AuditEvent.after)
    candidates = db.exec(
        select(AuditEvent).where(
            or_(
                *(
                    func.lower(func.coalesce(column, "")).contains(word.lower(), autoescape=True)
                    for column in columns
                    for word in words
                )
            )
        )
    ).all()
    changed = 0
    for event in candidates:
        before = (event.detail, event.before, event.after)
        event.detail = pattern.sub(REDACTED, event.detail or "")
        if event.before is not None:
            event.before = pattern.sub(REDACTED, event.before)
        if event.after is not None:
            event.after = pattern.sub(REDACTED, event.after)
        if (event.detail, event.before, event.after) != before:
            db.add(event)
            changed += 1
    return changed


EXPORT_COLUMNS = (
    "id",
    "at",
    "action",
    "actor_user_id",
    "actor_role",
    "actor_email",
    "object_type",
    "object_id",
    "detail",
    "before",
    "after",
    "ip",
)


def export_csv(rows: Iterable[Mapping[str, Any]]) -> str:
    """Audit events (mappings with EXPORT_COLUMNS, `at` a UTC datetime) as CSV."""
    return formats.csv_table(
        EXPORT_COLUMNS,
        (
            [
                row["at"].isoformat() if name == "at" and row["at"] is not None else row[name]
                for name in EXPORT_COLUMNS
            ]
            for row in rows
        ),
    )
