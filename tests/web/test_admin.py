"""Administrators manage users: find, deactivate (sessions end at once), reactivate, invite
staff. Staff get 403 on every admin route."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select

from placement.models import AuditEvent, Message, OneTimeToken, User
from tests import factories


class TestAdminRefusesOthers:
    @pytest.mark.parametrize("persona", ["as_staff", "as_graduate", "as_employer"])
    def test_the_pages_refuse_everyone_but_admins(self, request, persona):
        client = request.getfixturevalue(persona)
        assert client.get("/admin/users").status_code == 403
        assert client.get("/admin/").status_code == 403

    @pytest.mark.parametrize(
        "path", ["/admin/users", "/admin/users/1/deactivate", "/admin/users/1/activate"]
    )
    def test_the_actions_refuse_staff(self, as_staff, path):
        assert as_staff.submit(path, {"email": "x@example.com", "role": "admin"}).status_code == 403


class TestUserList:
    def test_it_finds_users_by_name_email_and_role(
        self, as_admin, graduate_user, employer_user, staff_user
    ):
        page = as_admin.get("/admin/users?q=grace")
        assert graduate_user.user.email in page.text
        assert employer_user.user.email not in page.text
        by_role = as_admin.get("/admin/users?role=employer")
        assert employer_user.user.email in by_role.text
        assert staff_user.email not in by_role.text

    def test_bad_filters_never_crash(self, as_admin):
        assert as_admin.get("/admin/users?role=king&page=x").status_code in (200, 422)

    def test_admin_index_leads_to_users(self, as_admin):
        response = as_admin.get("/admin/")
        assert response.status_code == 303 and response.headers["location"] == "/admin/users"


class TestDeactivate:
    def test_every_session_ends_at_once_and_sign_in_is_refused(
        self, as_admin, as_graduate, graduate_user, db, make_client
    ):
        assert as_graduate.get("/me").status_code == 200

        response = as_admin.submit(f"/admin/users/{graduate_user.user.id}/deactivate")

        assert response.status_code == 303
        signed_out = as_graduate.get("/me")
        assert signed_out.status_code == 303
        assert signed_out.headers["location"].startswith("/login")
        again = make_client().submit(
            "/login", {"email": graduate_user.user.email, "password": factories.PASSWORD}
        )
        assert again.status_code == 422
        db.expire_all()
        assert db.get(User, graduate_user.user.id).active is False
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "user.deactivated")).one()
        assert event.object_id == graduate_user.user.id

    def test_an_admin_cannot_deactivate_themselves(self, as_admin, admin_user, db):
        response = as_admin.submit(f"/admin/users/{admin_user.id}/deactivate")
        assert response.status_code == 422
        db.expire_all()
        assert db.get(User, admin_user.id).active is True

    def test_reactivation_lets_the_user_sign_in_again(self, as_admin, staff_user, make_client):
        as_admin.submit(f"/admin/users/{staff_user.id}/deactivate")
        assert as_admin.submit(f"/admin/users/{staff_user.id}/deactivate").status_code == 409

        response = as_admin.submit(f"/admin/users/{staff_user.id}/activate")

        assert response.status_code == 303
        make_client().login(staff_user.email)

    def test_an_unknown_user_is_404(self, as_admin):
        assert as_admin.submit("/admin/users/999999/deactivate").status_code == 404


class TestInviteStaff:
    def test_it_creates_a_staff_user_with_an_invitation_link(self, as_admin, db, make_client):
        response = as_admin.submit(
            "/admin/users",
            {"email": "New.Person@School.example", "role": "staff", "name": "New Person"},
        )

        assert response.status_code == 303
        user = db.exec(select(User).where(User.email == "new.person@school.example")).one()
        assert user.role == "staff" and user.password_hash is None
        assert (
            db.exec(select(OneTimeToken).where(OneTimeToken.user_id == user.id)).one().purpose
            == "invite"
        )
        message = db.exec(select(Message).where(Message.recipient_user_id == user.id)).one()
        link = re.search(r"http://testserver(/account/setup/\S+)", message.body).group(1)
        newcomer = make_client()
        setup = newcomer.submit(link, {"password": "a long enough passphrase"})
        assert setup.status_code == 303 and setup.headers["location"] == "/staff"
        assert newcomer.get("/staff").status_code == 200
        assert db.exec(select(AuditEvent).where(AuditEvent.action == "user.invited")).one()

    @pytest.mark.parametrize(
        "data",
        [
            {"email": "x@school.example", "role": "graduate", "name": "X"},
            {"email": "not-an-email", "role": "staff", "name": "X"},
            {"email": "x@school.example", "role": "staff", "name": ""},
        ],
    )
    def test_bad_input_is_refused(self, as_admin, db, data):
        response = as_admin.submit("/admin/users", data)
        assert response.status_code == 422
        assert db.exec(select(User).where(User.email == "x@school.example")).first() is None

    def test_an_existing_email_is_refused(self, as_admin, staff_user):
        response = as_admin.submit(
            "/admin/users", {"email": staff_user.email, "role": "admin", "name": "Again"}
        )
        assert response.status_code == 422
        assert "already exists" in response.text
