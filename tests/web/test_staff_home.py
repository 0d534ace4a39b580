"""The staff home: seven work queues with counts and links; staff only."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from placement import dates
from placement.models import Placement
from tests import factories


def _count(page: str, queue: str) -> int:
    match = re.search(
        rf'data-queue="{queue}">\s*<a href="[^"]+"><span class="queue-count">(\d+)</span>', page
    )
    assert match, f"queue {queue} not on the page"
    return int(match.group(1))


class TestStaffHome:
    def test_it_counts_every_queue(self, as_staff, db, employer_user, graduate_user):
        factories.employer(db, name="Pending Clinic", status="pending")
        factories.position(db, employer_user.employer.id, status="pending_review")
        unverified = factories.graduate(db, verified=False)
        factories.credential(db, unverified.graduate.id, "bls_cpr", verified=False)
        factories.credential(
            db,
            graduate_user.graduate.id,
            "camtc",
            expires_on=dates.today() + timedelta(days=30),
        )
        factories.credential(
            db,
            graduate_user.graduate.id,
            "first_aid",
            expires_on=dates.today() + timedelta(days=200),
        )
        position = factories.position(db, employer_user.employer.id)
        factories.referral(db, position.id, graduate_user.graduate.id)
        db.add(
            Placement(
                graduate_id=graduate_user.graduate.id, employer_name="Elsewhere", job_title="LMT"
            )
        )
        db.commit()

        page = as_staff.get("/staff")

        assert page.status_code == 200
        assert _count(page.text, "employers_pending") == 1
        assert _count(page.text, "positions_pending") == 1
        assert _count(page.text, "graduates_unverified") == 1
        assert _count(page.text, "credentials_unverified") == 1
        assert _count(page.text, "referrals_pending") == 1
        assert _count(page.text, "placements_unverified") == 1
        assert _count(page.text, "credentials_expiring") == 1
        for link in (
            "/staff/employers?status=pending",
            "/staff/positions?status=pending_review",
            "/staff/graduates?verified=no",
            "/staff/credentials?show=unverified",
            "/staff/referrals?status=pending",
            "/staff/placements?verified=no",
            "/staff/credentials?show=expiring",
        ):
            assert f'href="{link}"' in page.text

    def test_it_shows_zero_when_nothing_waits(self, as_staff):
        page = as_staff.get("/staff")
        assert _count(page.text, "employers_pending") == 0

    def test_it_admits_admins(self, as_admin):
        assert as_admin.get("/staff").status_code == 200

    @pytest.mark.parametrize("persona", ["as_graduate", "as_employer"])
    @pytest.mark.parametrize(
        "path",
        [
            "/staff",
            "/staff/employers",
            "/staff/positions",
            "/staff/graduates",
            "/staff/graduates/1",
            "/staff/credentials",
            "/staff/import/graduates",
            "/staff/referrals",
            "/staff/referrals/1",
            "/staff/placements",
            "/staff/reports/outcomes",
            "/staff/reports/outcomes/people?column=graduates",
            "/staff/audit",
            "/staff/account/tokens",
        ],
    )
    def test_it_refuses_graduates_and_employers(self, request, persona, path):
        client = request.getfixturevalue(persona)
        assert client.get(path).status_code == 403

    @pytest.mark.parametrize("persona", ["as_graduate", "as_employer"])
    @pytest.mark.parametrize(
        "path",
        [
            "/staff/employers/1/approve",
            "/staff/employers/1/reject",
            "/staff/employers/1/suspend",
            "/staff/positions/1/approve",
            "/staff/positions/1/reject",
            "/staff/graduates/1/verify",
            "/staff/graduates/1/outcome",
            "/staff/credentials/1/verify",
            "/staff/import/graduates",
            "/staff/referrals",
            "/staff/placements",
            "/staff/placements/1/verify",
            "/staff/account/tokens",
            "/staff/account/tokens/1/revoke",
        ],
    )
    def test_its_actions_refuse_graduates_and_employers(self, request, persona, path):
        client = request.getfixturevalue(persona)
        assert client.submit(path, {"reason": "x"}).status_code == 403


class TestStaffCredentialsQueue:
    def test_it_lists_credentials_to_verify_and_verifies_one(self, as_staff, db, graduate_user):
        credential = factories.credential(db, graduate_user.graduate.id, "bls_cpr", verified=False)

        page = as_staff.get("/staff/credentials?show=unverified")
        assert "BLS" in page.text or "bls" in page.text.lower()
        response = as_staff.submit(
            f"/staff/credentials/{credential.id}/verify",
            {"next": "/staff/credentials?show=unverified"},
        )

        assert response.status_code == 303
        assert response.headers["location"].startswith("/staff/credentials?show=unverified")
        db.expire_all()
        assert db.get(type(credential), credential.id).verified_at is not None
        assert "Every credential is verified" in as_staff.get("/staff/credentials").text

    def test_it_lists_credentials_expiring_soon(self, as_staff, db, graduate_user):
        factories.credential(
            db, graduate_user.graduate.id, "camtc", expires_on=dates.today() + timedelta(days=10)
        )
        page = as_staff.get("/staff/credentials?show=expiring")
        assert "Grace" in page.text
        assert (dates.today() + timedelta(days=10)).isoformat() in page.text

    def test_it_refuses_to_verify_twice(self, as_staff, db, graduate_user):
        credential = factories.credential(db, graduate_user.graduate.id, "bls_cpr", verified=True)
        response = as_staff.submit(f"/staff/credentials/{credential.id}/verify")
        assert response.status_code == 409
        assert "already verified" in response.text

    def test_it_answers_404_for_an_unknown_credential(self, as_staff):
        assert as_staff.submit("/staff/credentials/999999/verify").status_code == 404
