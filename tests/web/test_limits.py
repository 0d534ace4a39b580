"""Limits and uniqueness that hold when many requests come at once, on SQLite and PostgreSQL:
reset mail, sign-in, registration per address, one e-mail registered many times at once."""

from __future__ import annotations

import dataclasses

import pytest
from sqlmodel import func, select

from placement.app import create_app
from placement.models import Graduate, LoginAttempt, Message, User
from placement.services import accounts
from tests.burst import burst, tokens_for
from tests.conftest import Client
from tests.web.test_auth import EMPLOYER_FORM, GRADUATE_FORM


def _mails_to(db, email: str) -> int:
    db.expire_all()
    return db.exec(
        select(func.count()).select_from(Message).where(Message.recipient_email == email)
    ).one()


class TestResetMail:
    def test_thirty_requests_send_three_mails_with_one_answer(self, client, db, graduate_user):
        email = graduate_user.user.email
        answers = {
            (r.status_code, r.headers["location"])
            for r in (client.submit("/password/forgot", {"email": email}) for _ in range(30))
        }
        assert answers == {(303, "/password/forgot?done=reset_sent")}
        assert _mails_to(db, email) == accounts.RESET_MAIL_LIMIT

    def test_a_burst_sends_at_most_three(self, make_client, db, graduate_user):
        email = graduate_user.user.email
        clients = [make_client() for _ in range(20)]
        tokens = tokens_for(clients)
        answers = burst(
            clients,
            lambda client, i: client.post(
                "/password/forgot", data={"csrf_token": tokens[i], "email": email}
            ),
        )
        assert {answer.status_code for answer in answers} == {303}
        assert _mails_to(db, email) == accounts.RESET_MAIL_LIMIT


class TestSignInLimit:
    def test_forty_wrong_passwords_at_once_get_at_most_ten_checks(
        self, make_client, db, graduate_user, settings
    ):
        email = graduate_user.user.email
        clients = [make_client() for _ in range(40)]
        tokens = tokens_for(clients)
        answers = burst(
            clients,
            lambda client, i: client.post(
                "/login",
                data={"csrf_token": tokens[i], "email": email, "password": f"wrong guess {i}"},
            ),
        )
        codes = [answer.status_code for answer in answers]
        checked = codes.count(422)  # a 422 is a password check that failed; 429 checked nothing
        assert set(codes) <= {422, 429}, codes
        assert checked == settings.login_limit, codes
        assert all("retry-after" in a.headers for a in answers if a.status_code == 429)
        db.expire_all()
        failures = db.exec(
            select(func.count())
            .select_from(LoginAttempt)
            .where(LoginAttempt.key == f"account:{email}")
        ).one()
        assert failures == checked


@pytest.fixture
def low_limit_client(settings):
    """A client on an app whose registration limit per address is 5."""
    app = create_app(dataclasses.replace(settings, register_limit=5))
    clients: list[Client] = []

    def make() -> Client:
        client = Client(app)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
    app.state.engine.dispose()


class TestRegistration:
    @pytest.mark.parametrize(
        ("path", "form"),
        [("/register/graduate", GRADUATE_FORM), ("/register/employer", EMPLOYER_FORM)],
    )
    def test_one_email_registered_ten_times_at_once_makes_one_account(
        self, make_client, db, path, form
    ):
        clients = [make_client() for _ in range(10)]
        tokens = tokens_for(clients)
        answers = burst(
            clients,
            lambda client, i: client.post(
                path,
                data={
                    **form,
                    "csrf_token": tokens[i],
                    "student_id": f"S-BURST-{i}",
                    "npi": "",
                },
            ),
        )
        codes = sorted(answer.status_code for answer in answers)
        assert codes == [303] + [422] * 9, codes
        assert all("already exists" in a.text for a in answers if a.status_code == 422)
        db.expire_all()
        assert (
            db.exec(select(func.count()).select_from(User).where(User.email == form["email"])).one()
            == 1
        )

    def test_registrations_are_limited_per_address_with_retry_after(self, low_limit_client, db):
        clients = [low_limit_client() for _ in range(10)]
        tokens = tokens_for(clients)
        answers = burst(
            clients,
            lambda client, i: client.post(
                "/register/graduate",
                data={
                    **GRADUATE_FORM,
                    "csrf_token": tokens[i],
                    "email": f"visitor{i}@example.com",
                    "student_id": f"S-OPEN-{i}",
                },
            ),
        )
        codes = [answer.status_code for answer in answers]
        assert set(codes) <= {303, 429}, codes
        assert codes.count(303) == 5
        refused = [answer for answer in answers if answer.status_code == 429]
        assert len(refused) == 5
        assert all(int(answer.headers["retry-after"]) > 0 for answer in refused)
        assert "Too many accounts" in refused[0].text
        db.expire_all()
        assert db.exec(select(func.count()).select_from(User)).one() == codes.count(303)

    def test_an_open_day_behind_one_address_still_works(self, client, settings):
        # The default limit lets a whole class register one after another.
        assert settings.register_limit >= 50


class TestOtherUniqueForms:
    """Every form that creates a unique row answers the form or a 303 under a burst."""

    def test_one_colleague_invited_twenty_times_at_once(self, make_client, db, employer_user):
        clients = [make_client() for _ in range(20)]
        for client in clients:
            client.login(employer_user.user.email)
        tokens = tokens_for(clients)
        answers = burst(
            clients,
            lambda client, i: client.post(
                "/employer/team",
                data={"csrf_token": tokens[i], "email": "col@harbor.example", "name": "Col"},
            ),
        )
        assert {answer.status_code for answer in answers} == {303}
        db.expire_all()
        assert (
            db.exec(
                select(func.count()).select_from(User).where(User.email == "col@harbor.example")
            ).one()
            == 1
        )

    def test_one_staff_member_invited_ten_times_at_once(self, make_client, db, admin_user):
        clients = [make_client() for _ in range(10)]
        for client in clients:
            client.login(admin_user.email)
        tokens = tokens_for(clients)
        answers = burst(
            clients,
            lambda client, i: client.post(
                "/admin/users",
                data={
                    "csrf_token": tokens[i],
                    "email": "new@school.example",
                    "role": "staff",
                    "name": "New",
                },
            ),
        )
        codes = sorted(answer.status_code for answer in answers)
        assert codes.count(303) == 1 and set(codes) <= {303, 422}, codes
        db.expire_all()
        assert (
            db.exec(
                select(func.count()).select_from(User).where(User.email == "new@school.example")
            ).one()
            == 1
        )

    def test_one_roster_imported_ten_times_at_once(self, make_client, db, staff_user):
        roster = (
            b"student_id,first_name,last_name,email,program,graduation_date,training_hours\n"
            b"S800,Ana,Ruiz,ana@example.com,MMT,2025-06-15,700\n"
            b"S801,Ben,Cho,ben@example.com,MMT,2025-06-15,700\n"
        )
        clients = [make_client() for _ in range(10)]
        for client in clients:
            client.login(staff_user.email)
        tokens = tokens_for(clients)
        answers = burst(
            clients,
            lambda client, i: client.post(
                "/staff/import/graduates",
                data={"csrf_token": tokens[i]},
                files={"roster": ("roster.csv", roster, "text/csv")},
            ),
        )
        assert all(answer.status_code < 500 for answer in answers), [
            answer.status_code for answer in answers
        ]
        db.expire_all()
        assert (
            db.exec(
                select(func.count()).select_from(Graduate).where(Graduate.student_id.is_not(None))
            ).one()
            == 2
        )
