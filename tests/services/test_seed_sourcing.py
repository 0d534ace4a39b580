"""The demo shows sourcing at once: invitations to apply (the demo graduate has some), talent
pools (the demo employer's holds the demo graduate), saved searches; every invitation is to a
graduate who lets employers see them and meets the position's requirements."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from placement.models import (
    EmployerMember,
    Graduate,
    Invitation,
    Position,
    SavedSearch,
    TalentInterest,
    User,
)
from placement.seed import DEMO_EMPLOYER_EMAIL, DEMO_GRADUATE_EMAIL, DEMO_PASSWORD, seed_demo
from placement.services import matching as matching_service
from tests.conftest import Client


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


def test_the_demo_employer_finds_graduates_on_a_matches_page(app: Any, settings: Any) -> None:
    """Signing in as the demo employer, a newcomer sees matches and sent invitations."""
    seed_demo(app.state.engine, settings, progress=False)
    client = Client(app)
    try:
        client.login(DEMO_EMPLOYER_EMAIL, DEMO_PASSWORD)
        with Session(app.state.engine) as db:
            employer_id = db.exec(
                select(EmployerMember.employer_id)
                .join(User, col(User.id) == col(EmployerMember.user_id))
                .where(User.email == DEMO_EMPLOYER_EMAIL)
            ).one()
            open_ids = db.exec(
                select(Position.id).where(
                    Position.employer_id == employer_id, Position.status == "open"
                )
            ).all()
            listed = {
                position_id: [
                    row.name
                    for row in matching_service.rank_graduates(db, position_id, audience="employer")
                ]
                for position_id in open_ids
            }
            invited = db.exec(
                select(Invitation).where(col(Invitation.position_id).in_(open_ids))
            ).all()
        best = max(listed, key=lambda position_id: len(listed[position_id]))
        assert listed[best] and invited
        page = client.get(f"/employer/positions/{best}/matches")
        assert page.status_code == 200
        assert listed[best][0] in page.text
    finally:
        client.close()
