"""The registering member's e-mail is confirmed by a single-use link mailed at registration
(`GET /account/confirm/{token}`, absolute from BASE_URL, expiring); staff see in the employer
queue whether it was confirmed, beside the domain match (CONTRACT, /register/employer;
issue 10)."""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from placement.models import AuditEvent, Employer, Message, OneTimeToken, User, utcnow
from placement.services import Actor, accounts

FORM = {
    "organization_name": "Seabreeze Skilled Nursing",
    "organization_kind": "nursing_home",
    "npi": "1234567893",
    "zip": "90802",
    "website": "https://seabreeze.example",
    "contact_name": "Rita Moreno",
    "email": "rita@seabreeze.example",
    "password": "a long enough passphrase",
}
LINK = re.compile(r"http://testserver/account/confirm/[A-Za-z0-9_\-]+")


def confirmation_links(db) -> list[str]:
    db.expire_all()
    rows = db.exec(
        select(Message).where(Message.kind == "account.confirm").order_by(Message.id)
    ).all()
    return [LINK.search(row.body).group(0) for row in rows]


def path_of(link: str) -> str:
    return link.removeprefix("http://testserver")


def user(db) -> User:
    db.expire_all()
    return db.exec(select(User).where(User.email == FORM["email"])).one()


@pytest.fixture
def registered(client, db):
    response = client.submit("/register/employer", FORM)
    assert response.status_code == 303
    return client


class TestTheLink:
    def test_registration_mails_an_absolute_single_use_link(self, registered, db, settings):
        (link,) = confirmation_links(db)
        assert link.startswith(settings.base_url + "/account/confirm/")
        # Written to MAIL_DIR when the registration committed.
        assert any(link in path.read_text() for path in settings.mail_dir.glob("*.eml"))
        assert user(db).email_confirmed_at is None

    def test_the_link_confirms_once_then_dies(self, registered, client, db, make_client):
        (link,) = confirmation_links(db)
        stranger = make_client()  # the link works without the registering session

        first = stranger.get(path_of(link))

        assert first.status_code == 200
        assert "Your e-mail address is confirmed" in first.text
        assert user(db).email_confirmed_at is not None
        assert db.exec(
            select(AuditEvent).where(AuditEvent.action == "account.email_confirmed")
        ).one()
        again = stranger.get(path_of(link))
        assert again.status_code == 404
        assert "This confirmation link does not work" in again.text

    def test_an_expired_link_does_not_confirm(self, registered, db, make_client):
        (link,) = confirmation_links(db)
        for token in db.exec(select(OneTimeToken).where(OneTimeToken.purpose == "confirm")):
            token.expires_at = utcnow() - timedelta(seconds=1)
            db.add(token)
        db.commit()
        assert make_client().get(path_of(link)).status_code == 404
        assert user(db).email_confirmed_at is None

    def test_it_dies_once_the_accounts_email_changed(self, registered, db, make_client):
        (link,) = confirmation_links(db)
        account = user(db)
        account.email = "someone-else@seabreeze.example"
        db.add(account)
        db.commit()
        assert make_client().get(path_of(link)).status_code == 404

    @pytest.mark.parametrize(
        "token",
        ["x", "0" * 43, "a" * 5000, "%00", "%E2%98%83", "';--"],
    )
    def test_a_wrong_token_gets_the_same_clear_page_and_never_a_500(
        self, registered, db, make_client, token
    ):
        (link,) = confirmation_links(db)
        visitor = make_client()
        assert visitor.get(path_of(link)).status_code == 200
        used = visitor.get(path_of(link))
        wrong = visitor.get(f"/account/confirm/{token}")
        assert wrong.status_code == 404, token
        # Unknown and used links read the same: the page reveals nothing about an account.
        heading = re.compile(r"<h1>(.*?)</h1>", re.S)
        assert heading.search(wrong.text).group(1) == heading.search(used.text).group(1)
        assert FORM["email"] not in wrong.text and FORM["email"] not in used.text


class TestAgain:
    def test_a_new_link_replaces_the_old_one(self, registered, db):
        page = registered.get("/employer")
        assert 'id="confirm-email"' in page.text and FORM["email"] in page.text

        response = registered.submit("/account/confirm")

        assert response.status_code == 303
        assert response.headers["location"].endswith("done=confirmation_sent")
        first, second = confirmation_links(db)
        assert registered.get(path_of(first)).status_code == 404
        assert registered.get(path_of(second)).status_code == 200
        assert 'id="confirm-email"' not in registered.get("/employer").text
        done = registered.submit("/account/confirm")
        assert done.headers["location"].endswith("done=already_confirmed")
        assert len(confirmation_links(db)) == 2

    def test_at_most_three_an_hour(self, registered, db):
        for _ in range(accounts.CONFIRM_MAIL_LIMIT):
            assert registered.submit("/account/confirm").status_code == 303
        limited = registered.submit("/account/confirm")
        assert limited.status_code == 429
        assert int(limited.headers["Retry-After"]) > 0
        assert "Too many confirmation mails" in limited.text
        assert len(confirmation_links(db)) == 1 + accounts.CONFIRM_MAIL_LIMIT

    def test_it_needs_the_token_and_a_sign_in(self, registered, client, make_client):
        assert registered.post("/account/confirm").status_code == 403
        anonymous = make_client().submit("/account/confirm")
        assert anonymous.status_code == 303 and "/login" in anonymous.headers["location"]


class TestStaffSeeIt:
    def test_the_queue_shows_whether_it_was_confirmed_beside_the_domain_match(
        self, registered, db, as_staff
    ):
        employer = db.exec(select(Employer)).one()

        def card() -> str:
            page = as_staff.get("/staff/employers?status=pending")
            return page.text.split(f'id="employer-{employer.id}"', 1)[1].split("</article>")[0]

        before = card()
        assert 'data-signal="email_domain_match"' in before
        assert 'data-signal="email_unconfirmed"' in before
        (link,) = confirmation_links(db)
        registered.get(path_of(link))
        after = card()
        assert 'data-signal="email_confirmed"' in after
        assert 'data-signal="email_unconfirmed"' not in after
        # Staff may approve either way.
        assert as_staff.submit(f"/staff/employers/{employer.id}/approve").status_code == 303


def test_the_link_comes_from_base_url_not_the_request(db, app, settings):
    production = dataclasses.replace(settings, base_url="https://careers.school.example")
    accounts.register_employer(
        db,
        app.state.passwords,
        production,
        accounts.EmployerRegistration(
            organization_name="Seaside Rehab",
            organization_kind="rehabilitation_center",
            npi=None,
            zip="90802",
            website="https://seaside.example",
            contact_name="S",
            email="s@seaside.example",
            password="a long enough passphrase",
        ),
    )
    db.commit()
    (message,) = db.exec(select(Message).where(Message.kind == "account.confirm")).all()
    assert "https://careers.school.example/account/confirm/" in message.body


def test_a_used_invitation_link_confirms_the_address_too(db, app, settings, employer_user):
    from placement.services import employers

    invitation = employers.invite_colleague(
        db,
        settings,
        employer_id=employer_user.employer.id,
        actor=Actor(user_id=employer_user.user.id, role="employer"),
        email="colleague@harbor.example",
        name="Cole",
    )
    db.commit()
    raw = invitation.link.rsplit("/", 1)[1]
    colleague = accounts.use_token_to_set_password(
        db, app.state.passwords, raw, "invite", "a long enough passphrase"
    )
    db.commit()
    assert colleague is not None and colleague.email_confirmed_at is not None
