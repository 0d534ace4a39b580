"""The audit log at /staff/audit: every staff action leaves an event; filters; append-only."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from placement import dates
from placement.models import AuditEvent, Placement, utcnow
from placement.services import Actor, audit
from tests import factories

HEADER = "student_id,first_name,last_name,email,program,graduation_date,training_hours"


class TestEveryActionIsAudited:
    def test_each_staff_action_leaves_an_event(
        self, as_staff, as_admin, db, employer_user, graduate_user, staff_user
    ):
        approve = factories.employer(db, name="Approve Me", status="pending").employer
        reject = factories.employer(db, name="Reject Me", status="pending").employer
        suspend = factories.employer(db, name="Suspend Me").employer
        pos_ok = factories.position(db, employer_user.employer.id, status="pending_review")
        pos_no = factories.position(db, employer_user.employer.id, status="pending_review")
        open_position = factories.position(db, employer_user.employer.id)
        unverified = factories.graduate(db, verified=False).graduate
        credential = factories.credential(db, graduate_user.graduate.id, "camtc", verified=False)
        target = factories.user(db, role="graduate")

        steps = [
            (as_staff, f"/staff/employers/{approve.id}/approve", {}),
            (as_staff, f"/staff/employers/{reject.id}/reject", {"reason": "No licence."}),
            (as_staff, f"/staff/employers/{suspend.id}/suspend", {"reason": "Complaints."}),
            (as_staff, f"/staff/positions/{pos_ok.id}/approve", {}),
            (as_staff, f"/staff/positions/{pos_no.id}/reject", {"reason": "Pay too low."}),
            (as_staff, f"/staff/graduates/{unverified.id}/verify", {}),
            (as_staff, f"/staff/credentials/{credential.id}/verify", {}),
            (
                as_staff,
                f"/staff/graduates/{unverified.id}/outcome",
                {"status": "unavailable", "unavailable_reason": "military"},
            ),
            (
                as_staff,
                "/staff/referrals",
                {"position_id": open_position.id, "graduate_id": graduate_user.graduate.id},
            ),
            (
                as_staff,
                "/staff/placements",
                {
                    "graduate_id": graduate_user.graduate.id,
                    "employer_name": "Elsewhere",
                    "job_title": "LMT",
                    "start_date": "2026-01-05",
                    "field": "related_field",
                },
            ),
            (as_admin, f"/admin/users/{target.id}/deactivate", {}),
        ]
        for client, path, data in steps:
            response = client.submit(path, data)
            assert response.status_code == 303, (path, response.status_code)
        placement = db.exec(select(Placement)).one()
        assert (
            as_staff.submit(
                f"/staff/placements/{placement.id}/verify", {"method": "graduate_attested"}
            ).status_code
            == 303
        )
        roster = (HEADER + "\nS9,Nia,Okafor,nia@example.com,MMT,2025-06-15,750\n").encode()
        as_staff.submit("/staff/import/graduates", files={"roster": ("r.csv", roster, "text/csv")})
        as_staff.get("/staff/reports/outcomes?format=csv")

        db.expire_all()
        actions = set(db.exec(select(AuditEvent.action)).all())
        assert {
            "employer.approved",
            "employer.rejected",
            "employer.suspended",
            "position.approved",
            "position.rejected",
            "graduate.verified",
            "credential.verified",
            "graduate.outcome_changed",
            "referral.created",
            "placement.recorded",
            "placement.verified",
            "user.deactivated",
            "roster.imported",
            "report.exported",
        } <= actions
        page = as_staff.get("/staff/audit")
        for action in ("employer.suspended", "placement.verified", "roster.imported"):
            assert action in page.text


class TestAuditLog:
    def test_it_shows_actor_role_time_object_and_before_after(self, as_staff, db, staff_user):
        audit.record(
            db,
            "graduate.outcome_changed",
            actor=Actor(user_id=staff_user.id, role="staff"),
            object_type="graduate",
            object_id=7,
            detail="seeking → unavailable",
            before={"outcome_status": "seeking"},
            after={"outcome_status": "unavailable"},
        )
        db.commit()

        page = as_staff.get("/staff/audit")

        assert page.status_code == 200
        assert staff_user.email in page.text and staff_user.name in page.text
        assert "graduate #7" in page.text
        assert "outcome_status: seeking" in page.text
        assert "outcome_status: unavailable" in page.text
        assert f"{dates.today().day} {dates.today():%b %Y}" in page.text  # the school's date

    def test_it_filters(self, as_staff, db, staff_user, admin_user):
        yesterday = utcnow() - timedelta(days=3)
        for action, actor, object_id, at in (
            ("employer.approved", staff_user, 1, utcnow()),
            ("employer.rejected", admin_user, 2, utcnow()),
            ("placement.recorded", staff_user, 3, yesterday),
        ):
            db.add(
                AuditEvent(
                    action=action,
                    actor_user_id=actor.id,
                    actor_role=actor.role,
                    object_type=action.split(".")[0],
                    object_id=object_id,
                    at=at,
                )
            )
        db.commit()

        def shown(query: str) -> set[str]:
            text = as_staff.get("/staff/audit?" + query).text
            return {
                a
                for a in ("employer.approved", "employer.rejected", "placement.recorded")
                if f"<code>{a}</code>" in text
            }

        assert shown("action=employer.approved") == {"employer.approved"}
        assert shown("action=employer") == {"employer.approved", "employer.rejected"}
        assert shown("actor=ada") == {"employer.rejected"}
        assert shown(f"actor={staff_user.id}") == {"employer.approved", "placement.recorded"}
        assert shown("object_type=placement") == {"placement.recorded"}
        assert shown("object_type=employer&object_id=2") == {"employer.rejected"}
        today = dates.today()
        assert shown(f"since={today.isoformat()}") == {"employer.approved", "employer.rejected"}
        assert shown(f"until={(today - timedelta(days=1)).isoformat()}") == {"placement.recorded"}

    def test_it_paginates(self, as_staff, db):
        for number in range(60):
            db.add(AuditEvent(action="test.event", object_type="test", object_id=number))
        db.commit()
        first = as_staff.get("/staff/audit?action=test.event")
        assert first.text.count("<code>test.event</code>") == 50
        second = as_staff.get("/staff/audit?action=test.event&page=2")
        assert second.text.count("<code>test.event</code>") == 10

    def test_bad_filters_never_crash(self, as_staff):
        for query in (
            "since=yesterday",
            "object_id=x",
            "until=2025-01-01&since=2025-02-01",
            "actor=%00",
            "page=abc",
        ):
            assert as_staff.get("/staff/audit?" + query).status_code in (200, 422)

    def test_nothing_edits_or_deletes_the_log(self, as_staff, as_admin):
        from placement.app import create_app
        from placement.config import Settings

        app = create_app(Settings(database_url="sqlite://", environment="test"))
        paths = [
            getattr(route, "path", "")
            for mount in app.routes
            for route in getattr(mount, "routes", [])
        ]
        assert not [path for path in paths if "audit" in path and path != "/audit"]
        assert as_admin.submit("/staff/audit", {"id": "1"}).status_code == 405
