"""The audit log: ids and codes rather than free-text personal data, the client address on
every event, sign-in, sign-out, failed sign-in and password changes recorded, and nothing of
a deleted graduate's name, e-mail or licence numbers left behind."""

from __future__ import annotations

from sqlmodel import select

from placement.models import AuditEvent
from placement.services import Actor, audit
from tests import factories


def _events(db, action: str | None = None) -> list[AuditEvent]:
    db.expire_all()
    query = select(AuditEvent).order_by(AuditEvent.id)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.exec(query).all())


class TestSignInEvents:
    def test_sign_in_failure_sign_out_and_password_change_are_recorded(
        self, make_client, db, graduate_user
    ):
        client = make_client()
        user_id = graduate_user.user.id
        client.submit("/login", {"email": graduate_user.user.email, "password": "not the password"})
        client.submit("/login", {"email": "nobody@example.com", "password": "whatever at all"})
        client.login(graduate_user.user.email)
        client.submit(
            "/account/password",
            {"current_password": factories.PASSWORD, "password": "a brand new passphrase"},
        )
        client.submit("/logout")

        failed = _events(db, "account.sign_in_failed")
        assert [(e.object_type, e.object_id) for e in failed] == [("user", user_id), ("", None)]
        [signed_in] = _events(db, "account.signed_in")
        assert signed_in.actor_user_id == user_id and signed_in.object_id == user_id
        [changed] = _events(db, "account.password_changed")
        assert changed.object_id == user_id
        [signed_out] = _events(db, "account.signed_out")
        assert signed_out.actor_user_id == user_id
        for event in [*failed, signed_in, changed, signed_out]:
            assert event.ip == "127.0.0.1", event.action
            # Never the typed e-mail or password: it could be a password in the wrong field.
            text = f"{event.detail}{event.before}{event.after}"
            assert "nobody@example.com" not in text and "not the password" not in text


class TestEveryEventHasTheAddress:
    def test_events_from_every_side_carry_the_client_address(
        self, db, as_graduate, as_employer, as_staff, as_admin, employer_user, graduate_user
    ):
        position = factories.position(db, employer_user.employer.id)
        as_graduate.submit(f"/positions/{position.id}/apply", {"cover_note": "Hello"})
        as_graduate.submit(
            "/me/credentials",
            {"code": "camtc", "number": "CA-112233", "state": "CA", "issued_on": "2025-01-01"},
        )
        as_employer.submit("/employer/team", {"email": "col@harbor.example", "name": "Col"})
        as_staff.submit("/staff/account/tokens", {"name": "script"})
        as_admin.submit(
            "/admin/users", {"email": "new@school.example", "role": "staff", "name": "New"}
        )

        events = _events(db)
        assert len({event.action for event in events}) >= 6
        assert all(event.ip == "127.0.0.1" for event in events), [
            (event.action, event.ip) for event in events if event.ip != "127.0.0.1"
        ]

    def test_invitations_log_ids_not_addresses(self, db, as_employer, as_admin):
        as_employer.submit("/employer/team", {"email": "col@harbor.example", "name": "Col Two"})
        as_admin.submit(
            "/admin/users", {"email": "new@school.example", "role": "staff", "name": "Nu Staff"}
        )
        for event in _events(db):
            text = f"{event.detail}{event.before}{event.after}"
            for personal in ("col@harbor.example", "Col Two", "new@school.example", "Nu Staff"):
                assert personal not in text, (event.action, text)


class TestDeletion:
    def test_a_deleted_graduate_leaves_no_name_email_or_licence_number(
        self, db, make_client, as_staff, employer_user
    ):
        persona = factories.graduate(
            db, email="zora.quill@example.com", first_name="Zora", last_name="Quillfeather"
        )
        graduate_id = persona.graduate.id
        licence = factories.credential(
            db, graduate_id, "state_license", number="MT-884422", verified=False
        )
        # Events from before the log kept to ids and codes, still holding free text.
        for detail in (
            "Zora Quillfeather (S123456) verified",
            "state_license MT-884422 (CA) of graduate",
            "zora.quill@example.com invited",
        ):
            audit.record(db, "legacy.event", actor=Actor(user_id=None, role=""), detail=detail)
        audit.record(
            db,
            "legacy.event",
            actor=Actor(user_id=None, role=""),
            after={"email": "zora.quill@example.com", "name": "Zora Quillfeather"},
        )
        db.commit()
        client = make_client()
        client.login(persona.user.email)
        position = factories.position(db, employer_user.employer.id)
        client.submit(f"/positions/{position.id}/apply", {"cover_note": "I am Zora Quillfeather"})
        as_staff.submit(f"/staff/credentials/{licence.id}/verify", {"method": "primary_source"})

        response = client.submit("/me/delete", {"password": factories.PASSWORD})

        assert response.status_code == 303
        events = _events(db)
        assert any(event.action == "account.deleted" for event in events)
        for event in events:
            text = f"{event.detail} {event.before} {event.after}".lower()
            for personal in ("zora", "quillfeather", "zora.quill@example.com", "mt-884422"):
                assert personal not in text, (event.action, text)
        # The rest of each legacy event stays (only the person's words are erased).
        assert any("(S123456) verified" in event.detail for event in events)
