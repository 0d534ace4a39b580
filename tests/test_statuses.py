"""Every status column keeps to its StrEnum: a named CHECK refuses anything else, on SQLite and
PostgreSQL alike (the string values themselves are the public surface and never change)."""

from __future__ import annotations

from datetime import date, timedelta
from enum import StrEnum

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from placement import taxonomy
from placement.models import (
    ApplicationStage,
    EmployerStatus,
    Interview,
    InterviewStatus,
    Invitation,
    InvitationStatus,
    MailStatus,
    MatchRound,
    Message,
    Offer,
    OfferStatus,
    OutcomeStatus,
    PositionStatus,
    ReferralStatus,
    RoundStatus,
)
from tests import factories

# (table, column, its enum)
STATUS_COLUMNS: tuple[tuple[str, str, type[StrEnum]], ...] = (
    ("employer", "status", EmployerStatus),
    ("position", "status", PositionStatus),
    ("application", "stage", ApplicationStage),
    ("referral", "status", ReferralStatus),
    ("match_round", "status", RoundStatus),
    ("graduate", "outcome_status", OutcomeStatus),
    ("invitation", "status", InvitationStatus),
    ("interview", "status", InterviewStatus),
    ("offer", "status", OfferStatus),
    ("message", "status", MailStatus),
)


def test_the_values_are_the_contracts() -> None:
    assert tuple(EmployerStatus) == taxonomy.EMPLOYER_STATUSES
    assert tuple(PositionStatus) == taxonomy.POSITION_STATUSES
    assert tuple(ApplicationStage) == taxonomy.APPLICATION_STAGES
    assert tuple(OutcomeStatus) == taxonomy.OUTCOME_STATUSES
    assert [str(member) for member in ReferralStatus] == ["pending", "accepted", "declined"]
    assert [str(member) for member in RoundStatus] == ["preview", "published"]
    assert [str(member) for member in InvitationStatus] == ["pending", "declined"]
    assert [str(member) for member in InterviewStatus] == [
        "proposed",
        "confirmed",
        "declined",
        "cancelled",
    ]
    assert [str(member) for member in OfferStatus] == [
        "pending",
        "accepted",
        "declined",
        "lapsed",
        "withdrawn",
    ]


def _one_row_each(db: Session) -> dict[str, int]:
    staff = factories.user(db)
    person = factories.graduate(db).graduate
    organisation = factories.employer(db).employer
    position = factories.position(db, organisation.id)
    application = factories.application(db, position.id, person.id)
    referral = factories.referral(db, position.id, person.id, staff_user_id=staff.id)
    round_ = MatchRound(algorithm="greedy", created_by=staff.id)
    invitation = Invitation(
        position_id=position.id, graduate_id=person.id, employer_id=organisation.id
    )
    interview = Interview(application_id=application.id, uid="statuses-test", mode="video")
    offer = Offer(
        application_id=application.id,
        job_title="Therapist",
        start_date=date.today() + timedelta(days=30),
        pay_rate=30.0,
        hours_per_week=30,
        employment_type="full_time",
        respond_by=date.today() + timedelta(days=7),
    )
    message = Message(recipient_email="someone@example.com", subject="Hello")
    db.add_all([round_, invitation, interview, offer, message])
    db.commit()
    rows = {
        "employer": organisation.id,
        "position": position.id,
        "application": application.id,
        "referral": referral.id,
        "match_round": round_.id,
        "graduate": person.id,
        "invitation": invitation.id,
        "interview": interview.id,
        "offer": offer.id,
        "message": message.id,
    }
    assert all(isinstance(row_id, int) for row_id in rows.values())
    return rows  # type: ignore[return-value]


def test_each_status_column_has_its_named_check(db: Session) -> None:
    inspector = inspect(db.get_bind())
    for table, column, _enum in STATUS_COLUMNS:
        names = {check["name"] for check in inspector.get_check_constraints(table)}
        assert f"ck_{table}_{column}" in names, table


@pytest.mark.parametrize(("table", "column", "enum"), STATUS_COLUMNS)
def test_the_check_refuses_an_unknown_status(
    db: Session, table: str, column: str, enum: type[StrEnum]
) -> None:
    rows = _one_row_each(db)
    update = text(f'UPDATE "{table}" SET {column} = :value WHERE id = :id')
    for member in enum:  # every member is allowed…
        db.execute(update, {"value": member.value, "id": rows[table]})
    db.commit()
    with pytest.raises(IntegrityError, match=f"ck_{table}_{column}"):  # …and nothing else
        db.execute(update, {"value": "bogus", "id": rows[table]})
    db.rollback()
    with pytest.raises(IntegrityError):
        db.execute(update, {"value": enum(list(enum)[0]).value.upper(), "id": rows[table]})
    db.rollback()
