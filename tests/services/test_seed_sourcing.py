"""The demo shows sourcing at once: invitations to apply (the demo graduate has some), talent
pools (the demo employer's holds the demo graduate), saved searches; every invitation is to a
graduate who lets employers see them and meets the position's requirements."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from placement.models import Graduate, Invitation, SavedSearch, TalentInterest
from placement.seed import DEMO_GRADUATE_EMAIL, seed_demo
from placement.services import matching as matching_service


def test_the_demo_has_invitations_a_talent_pool_and_saved_searches(
    app: Any, settings: Any, db: Session
) -> None:
    counts = seed_demo(app.state.engine, settings)
    assert counts["invitations"] >= 3 and counts["talent_pool"] >= 6
    maya = db.exec(select(Graduate).where(Graduate.email == DEMO_GRADUATE_EMAIL)).one()
    invitations = db.exec(select(Invitation)).all()
    assert any(row.graduate_id == maya.id for row in invitations)
    for row in invitations:
        graduate = db.get(Graduate, row.graduate_id)
        assert graduate is not None and graduate.visibility == "employers"
        assert matching_service.explain(db, row.graduate_id, row.position_id).eligible
    assert db.exec(select(TalentInterest).where(TalentInterest.graduate_id == maya.id)).first()
    assert db.exec(select(SavedSearch).where(SavedSearch.graduate_id == maya.id)).all()
