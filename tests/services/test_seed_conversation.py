"""The demo shows the hiring conversation at once: messages, an interview ahead, an offer."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlmodel import Session, select

from placement.models import ConversationMessage, Interview, Offer
from placement.seed import seed_population


def test_the_demo_has_conversations_an_upcoming_interview_and_a_pending_offer(
    app: Any, settings: Any, db: Session
) -> None:
    counts = seed_population(
        app.state.engine,
        settings,
        graduates=40,
        positions=12,
        employers=4,
        seed=2026,
        progress=False,
    )
    assert counts["conversations"] >= 2 and counts["offers"] == 1
    assert len(db.exec(select(ConversationMessage)).all()) >= 4
    confirmed = db.exec(select(Interview).where(Interview.status == "confirmed")).all()
    assert confirmed and all(row.confirmed_start > datetime.now(UTC) for row in confirmed)
    assert db.exec(select(Offer).where(Offer.status == "pending")).one().pending_for
