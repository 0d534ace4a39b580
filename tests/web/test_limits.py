"""Limits and uniqueness that hold when many requests come at once, on SQLite and PostgreSQL:
reset mail, sign-in, registration per address, one e-mail registered many times at once."""

from __future__ import annotations

import dataclasses

import pytest
from sqlmodel import func, select

from placement.app import create_app
from placement.models import LoginAttempt, Message, User
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
        assert answers == {(303, "/password/forgot?sent=1")}
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
