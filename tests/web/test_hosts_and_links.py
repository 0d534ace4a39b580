"""Links in mail come from BASE_URL, never from the request's Host; a foreign Host gets 400."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from placement.models import Message
from placement.services import Actor, referrals
from tests import factories

# A path in a mail body that is not preceded by a scheme and host: a mail client cannot open it.
RELATIVE_LINK = re.compile(r"(?<![\w.:/])/(?:me|employer|staff|account|password|positions)\b")


def _bodies(db) -> list[str]:
    db.expire_all()
    return list(db.exec(select(Message.body).order_by(Message.id)).all())


class TestHost:
    def test_a_reset_asked_with_a_forged_host_answers_400_and_mails_nothing(
        self, client, graduate_user, db
    ):
        token = client.csrf_token()
        response = client.post(
            "/password/forgot",
            data={"csrf_token": token, "email": graduate_user.user.email},
            headers={"Host": "attacker.example"},
        )
        assert response.status_code == 400
        assert _bodies(db) == []

    @pytest.mark.parametrize("host", ["attacker.example", "testserver.attacker.example", ""])
    def test_any_page_with_a_foreign_host_answers_400(self, client, host):
        assert client.get("/", headers={"Host": host}).status_code == 400

    @pytest.mark.parametrize("host", ["testserver", "testserver:80", "localhost:8000", "127.0.0.1"])
    def test_the_allowed_hosts_are_served(self, client, host):
        assert client.get("/healthz", headers={"Host": host}).status_code == 200

    def test_the_reset_link_is_built_from_base_url_whatever_the_host(
        self, client, graduate_user, db
    ):
        client.submit(
            "/password/forgot", {"email": graduate_user.user.email}, headers={"Host": "localhost"}
        )
        [body] = _bodies(db)
        assert re.search(r"http://testserver/password/reset/[\w-]+", body)
        assert "localhost" not in body


class TestEveryMailLinkIsAbsolute:
    def test_invitations_notifications_and_resets(
        self,
        db,
        settings,
        as_employer,
        as_staff,
        as_graduate,
        graduate_user,
        staff_user,
        employer_user,
    ):
        position = factories.position(db, employer_user.employer.id)
        as_staff.submit(
            "/staff/import/graduates",
            files={
                "roster": (
                    "roster.csv",
                    b"student_id,first_name,last_name,email,program,graduation_date,"
                    b"training_hours\nS900,Lu,Ng,lu@example.com,MMT,2025-06-15,700\n",
                    "text/csv",
                )
            },
        )
        as_employer.submit("/employer/team", {"email": "col@harbor.example", "name": "Col"})
        as_graduate.submit(f"/positions/{position.id}/apply", {"cover_note": "Hello"})
        referrals.refer(
            db,
            settings,
            actor=Actor(user_id=staff_user.id, role="staff"),
            position_id=factories.position(db, employer_user.employer.id, title="Second").id,
            graduate_id=graduate_user.graduate.id,
            note="A fit",
        )
        db.commit()
        as_graduate.submit("/password/forgot", {"email": graduate_user.user.email})

        bodies = _bodies(db)
        assert len(bodies) >= 5
        for body in bodies:
            assert not RELATIVE_LINK.search(body), body
        assert sum("http://testserver/" in body for body in bodies) >= 5
