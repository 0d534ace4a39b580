"""At the same moment, on SQLite and PostgreSQL alike: a verification link answered twice
gives one answer, a record merged twice is merged once, and the link pages' limit holds."""

from __future__ import annotations

from datetime import date

from sqlmodel import select

from placement.models import AuditEvent, Graduate, Placement
from placement.services import outcome_links
from tests import factories
from tests.burst import burst
from tests.web.test_placement_verification import _links_to


def test_a_link_answered_twice_at_once_answers_once(as_staff, make_client, db):
    graduate = factories.graduate(db).graduate
    placement = Placement(
        graduate_id=graduate.id,
        employer_name="Harbor",
        job_title="LMT",
        field="in_field",
        start_date=date(2025, 7, 1),
    )
    db.add(placement)
    db.commit()
    as_staff.submit(
        f"/staff/placements/{placement.id}/request-verification",
        {"contact_email": "hr@harbor.example"},
    )
    (path,) = _links_to(db, "hr@harbor.example")
    visitors = []
    for _ in range(5):
        client = make_client()
        visitors.append((client, client.csrf_token()))

    def send(pair, index):
        client, token = pair
        return client.post(
            path,
            data={
                "csrf_token": token,
                "confirmed": "yes" if index % 2 == 0 else "no",
                "confirmer_name": f"Contact {index}",
            },
        )

    statuses = sorted(response.status_code for response in burst(visitors, send))
    assert statuses.count(200) == 1 and set(statuses) <= {200, 404}, statuses
    answers = db.exec(
        select(AuditEvent).where(
            AuditEvent.action.in_(("placement.verified", "placement.disputed"))  # type: ignore[attr-defined]
        )
    ).all()
    assert len(answers) == 1


def test_a_record_merged_twice_at_once_is_merged_once(make_client, db):
    kept = factories.graduate(db, student_id="S1").graduate
    removed = factories.graduate(db, student_id=None).graduate
    others = [factories.graduate(db, student_id=None).graduate for _ in range(2)]
    reviewers = []
    for index in range(4):
        person = factories.user(db, email=f"merger{index}@school.example", role="staff")
        client = make_client()
        client.login(person.email)
        reviewers.append((client, client.csrf_token()))
    targets = [kept.id, others[0].id, kept.id, others[1].id]

    def send(pair, index):
        client, token = pair
        return client.post(
            f"/staff/graduates/{removed.id}/merge",
            data={"csrf_token": token, "into": str(targets[index])},
        )

    statuses = sorted(response.status_code for response in burst(reviewers, send))
    assert statuses.count(303) == 1 and set(statuses) <= {303, 409}, statuses
    db.expire_all()
    assert db.get(Graduate, removed.id).merged_into_id in targets
    assert len(db.exec(select(AuditEvent).where(AuditEvent.action == "graduate.merged")).all()) == 1


def test_the_link_limit_holds_under_a_burst(make_client, monkeypatch):
    monkeypatch.setattr(outcome_links.common, "LINK_LIMIT", 3)
    clients = [make_client() for _ in range(8)]
    statuses = sorted(
        response.status_code
        for response in burst(clients, lambda client, _i: client.get("/survey/nope"))
    )
    assert statuses.count(404) == 3 and statuses.count(429) == 5, statuses
