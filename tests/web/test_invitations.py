"""Invitation (account set-up) links: single use, absolute from BASE_URL, and void once the
account has a password, a newer invitation was sent, or the account's e-mail changed."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlmodel import select

from placement.models import Message, User
from placement.services import Actor, accounts, roster
from tests import factories
from tests.burst import burst, tokens_for

HEADER = "student_id,first_name,last_name,email,program,graduation_date,training_hours"
LINK = re.compile(r"http://testserver/account/setup/[\w-]+")


def _links(db, email: str) -> list[str]:
    db.expire_all()
    bodies = db.exec(
        select(Message.body).where(Message.recipient_email == email).order_by(Message.id)
    ).all()
    return [match.group(0) for body in bodies for match in LINK.finditer(body)]


def _import(db, settings, *rows: str) -> None:
    data = "\n".join([HEADER, *rows]).encode() + b"\n"
    result = roster.import_roster(
        db, settings, data, skip_bad_rows=False, actor=Actor(user_id=None, role="cli")
    )
    assert result.imported, result.errors
    db.commit()


class TestAnOldInvitationLink:
    def test_it_cannot_take_over_an_account_claimed_with_a_newer_link(
        self, make_client, db, settings
    ):
        # The roster first carries a mistyped address, then the right one: two links.
        _import(db, settings, "S500,Lena,Park,lena@exampel.com,MMT,2025-06-15,750")
        _import(db, settings, "S500,Lena,Park,lena@example.com,MMT,2025-06-15,750")
        [first] = _links(db, "lena@exampel.com")
        [second] = _links(db, "lena@example.com")
        owner = make_client()
        assert owner.submit(second, {"password": "lena's own passphrase"}).status_code == 303

        stranger = make_client()
        assert stranger.get(first).status_code == 404
        response = stranger.submit(first, {"password": "the stranger's passphrase"})

        assert response.status_code == 404
        assert stranger.get("/api/v1/me").status_code == 401
        make_client().login("lena@example.com", "lena's own passphrase")

    def test_a_newer_invitation_voids_the_earlier_one(self, make_client, db, settings):
        user = User(email="new.staff@school.example", role="staff", name="New Staff")
        db.add(user)
        db.commit()
        first = accounts.send_setup_link(
            db,
            settings,
            user,
            ttl=timedelta(days=7),
            kind="staff_invite",
            subject="s",
            introduction="i",
        )
        second = accounts.send_setup_link(
            db,
            settings,
            user,
            ttl=timedelta(days=7),
            kind="staff_invite",
            subject="s",
            introduction="i",
        )
        db.commit()
        client = make_client()
        assert client.get(first).status_code == 404
        assert client.get(second).status_code == 200

    def test_it_dies_once_the_account_has_a_password(self, make_client, db, settings):
        user = User(email="late@school.example", role="staff", name="Late")
        db.add(user)
        db.commit()
        link = accounts.send_setup_link(
            db,
            settings,
            user,
            ttl=timedelta(days=7),
            kind="staff_invite",
            subject="s",
            introduction="i",
        )
        user.password_hash = "argon2-something"
        db.add(user)
        db.commit()
        assert make_client().get(link).status_code == 404

    def test_it_dies_once_the_accounts_email_changed(self, make_client, db, settings):
        user = User(email="moved@school.example", role="staff", name="Moved")
        db.add(user)
        db.commit()
        link = accounts.send_setup_link(
            db,
            settings,
            user,
            ttl=timedelta(days=7),
            kind="staff_invite",
            subject="s",
            introduction="i",
        )
        user.email = "moved.elsewhere@school.example"
        db.add(user)
        db.commit()
        assert make_client().get(link).status_code == 404

    def test_it_works_once(self, make_client, db, settings):
        _import(db, settings, "S501,Ari,Cole,ari@example.com,MMT,2025-06-15,750")
        [link] = _links(db, "ari@example.com")
        assert make_client().submit(link, {"password": "ari's own passphrase"}).status_code == 303
        assert make_client().submit(link, {"password": "another passphrase"}).status_code == 404

    def test_one_link_submitted_many_times_at_once_sets_one_password(
        self, make_client, db, settings
    ):
        _import(db, settings, "S502,Bo,Diaz,bo@example.com,MMT,2025-06-15,750")
        [link] = _links(db, "bo@example.com")
        clients = [make_client() for _ in range(10)]
        tokens = tokens_for(clients)

        answers = burst(
            clients,
            lambda client, i: client.post(
                link, data={"csrf_token": tokens[i], "password": f"passphrase number {i:02d}"}
            ),
        )

        codes = sorted(answer.status_code for answer in answers)
        assert codes.count(303) == 1 and set(codes) <= {303, 404}, codes
        winner = next(i for i, answer in enumerate(answers) if answer.status_code == 303)
        make_client().login("bo@example.com", f"passphrase number {winner:02d}")


class TestTeamInvitations:
    def test_a_taken_address_is_answered_like_a_new_one(self, as_employer, db):
        # The answer to an invitation never says whether the e-mail has an account.
        factories.user(db, email="taken@example.com", role="graduate")
        taken = as_employer.submit("/employer/team", {"email": "taken@example.com", "name": "T"})
        fresh = as_employer.submit("/employer/team", {"email": "fresh@example.com", "name": "F"})
        assert taken.status_code == fresh.status_code == 303
        assert taken.headers["location"] == fresh.headers["location"]
