"""The append-only audit log: who did what to which object, when, from where."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session

from placement.models import AuditEvent


def record(
    db: Session,
    action: str,
    *,
    actor_user_id: int | None,
    actor_role: str = "",
    object_type: str = "",
    object_id: int | None = None,
    detail: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    ip: str = "",
) -> AuditEvent:
    event = AuditEvent(
        actor_user_id=actor_user_id,
        actor_role=actor_role,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail[:4000],
        before=json.dumps(before, default=str, sort_keys=True) if before is not None else None,
        after=json.dumps(after, default=str, sort_keys=True) if after is not None else None,
        ip=ip[:64],
    )
    db.add(event)
    return event
