"""Staff API tokens: made on the staff's own page, shown once, stored hashed, last use
recorded, refused once revoked."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import select

from placement.models import ApiToken, AuditEvent, User, utcnow
from placement.security import SESSION_COOKIE, token_hash
from tests import factories


def _create(client, name: str = "export script") -> str:
    response = client.submit("/staff/account/tokens", {"name": name})
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    return re.search(r'<code class="token" id="new-token">([^<]+)</code>', response.text).group(1)


class TestTokens:
    def test_a_token_is_shown_once_and_stored_hashed(self, as_staff, db, staff_user):
        raw = _create(as_staff)

        row = db.exec(select(ApiToken)).one()
        assert row.user_id == staff_user.id
        assert row.token_hash == token_hash(raw) and raw not in row.token_hash
        assert raw.startswith(row.prefix)
        page = as_staff.get("/staff/account/tokens")
        assert raw not in page.text and f"{row.prefix}…" in page.text
        assert db.exec(select(AuditEvent).where(AuditEvent.action == "api_token.created")).one()

    def test_the_token_opens_the_json_api_and_records_its_use(self, as_staff, client, db):
        raw = _create(as_staff)

        response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"})

        assert response.status_code == 200
        assert response.json()["role"] == "staff"
        db.expire_all()
        assert db.exec(select(ApiToken)).one().last_used_at is not None

    def test_a_revoked_token_is_refused(self, as_staff, client, db):
        raw = _create(as_staff)
        token = db.exec(select(ApiToken)).one()

        response = as_staff.submit(f"/staff/account/tokens/{token.id}/revoke")

        assert response.status_code == 303
        assert (
            client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
        )
        assert "revoked" in as_staff.get("/staff/account/tokens").text

    def test_a_token_of_a_deactivated_user_is_refused(self, as_staff, as_admin, client, staff_user):
        raw = _create(as_staff)
        as_admin.submit(f"/admin/users/{staff_user.id}/deactivate")
        assert (
            client.get("/api/v1/me", headers={"Authorization": f"Bearer {raw}"}).status_code == 401
        )

    def test_nobody_revokes_anothers_token(self, as_staff, make_client, db):
        _create(as_staff)
        token = db.exec(select(ApiToken)).one()
        colleague = factories.user(db, role="staff", email="colleague@school.example")
        other = make_client()
        other.login(colleague.email)
        assert other.submit(f"/staff/account/tokens/{token.id}/revoke").status_code == 404
        db.expire_all()
        assert db.get(ApiToken, token.id).revoked_at is None

    def test_a_name_is_required(self, as_staff, db):
        response = as_staff.submit("/staff/account/tokens", {"name": " "})
        assert response.status_code == 422
        assert db.exec(select(ApiToken)).first() is None

    def test_a_made_up_bearer_token_is_refused(self, client):
        response = client.get("/api/v1/me", headers={"Authorization": "Bearer plc_nonsense"})
        assert response.status_code == 401


def _bearer(raw: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {raw}"}


class TestATokenIsNoLogin:
    """A bearer token opens GET /api/v1/… and nothing else, and is never handed a cookie."""

    @pytest.mark.parametrize(
        "path", ["/staff", "/staff/graduates", "/admin/users", "/staff/account/tokens", "/me"]
    )
    def test_a_page_with_a_bearer_answers_401_and_sets_no_cookie(self, as_admin, client, path):
        raw = _create(as_admin)
        response = client.get(path, headers=_bearer(raw))
        assert response.status_code == 401
        assert "set-cookie" not in response.headers
        assert "csrf_token" not in response.text

    def test_a_post_with_a_bearer_changes_nothing(self, as_admin, client, db, staff_user):
        raw = _create(as_admin)
        response = client.post(f"/admin/users/{staff_user.id}/deactivate", headers=_bearer(raw))
        assert response.status_code == 401
        assert "set-cookie" not in response.headers
        db.expire_all()
        assert db.get(User, staff_user.id).active

    def test_the_api_with_a_bearer_sets_no_cookie(self, as_staff, client):
        raw = _create(as_staff)
        response = client.get("/api/v1/me", headers=_bearer(raw))
        assert response.status_code == 200
        assert "set-cookie" not in response.headers
        assert client.cookies.get(SESSION_COOKIE) is None

    def test_a_bearer_with_another_method_on_the_api_answers_401(self, as_staff, client):
        raw = _create(as_staff)
        assert client.post("/api/v1/me", headers=_bearer(raw)).status_code == 401


class TestATokenDies:
    def test_it_expires_after_the_days_chosen(self, as_staff, client, db):
        response = as_staff.submit(
            "/staff/account/tokens", {"name": "short", "expires_in_days": "7"}
        )
        raw = re.search(r'id="new-token">([^<]+)<', response.text).group(1)
        token = db.exec(select(ApiToken)).one()
        assert (
            timedelta(days=6, hours=23) < token.expires_at - token.created_at <= timedelta(days=7)
        )
        assert client.get("/api/v1/me", headers=_bearer(raw)).status_code == 200
        token.expires_at = utcnow() - timedelta(seconds=1)
        db.add(token)
        db.commit()
        assert client.get("/api/v1/me", headers=_bearer(raw)).status_code == 401
        assert "expired" in as_staff.get("/staff/account/tokens").text

    def test_the_default_is_90_days(self, as_staff, db):
        _create(as_staff)
        token = db.exec(select(ApiToken)).one()
        assert token.expires_at - token.created_at == timedelta(days=90)

    @pytest.mark.parametrize("days", ["0", "366", "-1", "ninety"])
    def test_it_refuses_an_expiry_outside_1_to_365_days(self, as_staff, db, days):
        response = as_staff.submit("/staff/account/tokens", {"name": "x", "expires_in_days": days})
        assert response.status_code == 422
        assert db.exec(select(ApiToken)).first() is None

    def test_a_password_change_ends_it(self, as_staff, client):
        raw = _create(as_staff)
        as_staff.submit(
            "/account/password",
            {"current_password": factories.PASSWORD, "password": "a brand new passphrase"},
        )
        assert client.get("/api/v1/me", headers=_bearer(raw)).status_code == 401

    def test_a_password_reset_ends_it(self, as_staff, client, staff_user, settings):
        raw = _create(as_staff)
        client.submit("/password/forgot", {"email": staff_user.email})
        mails = sorted(settings.mail_dir.glob("*.eml"))
        link = re.search(r"/password/reset/[\w-]+", mails[-1].read_text()).group(0)
        assert client.submit(link, {"password": "a brand new passphrase"}).status_code == 303
        assert make_bearer_call(client, raw) == 401

    def test_deactivation_revokes_it_for_good(self, as_staff, as_admin, client, staff_user, db):
        raw = _create(as_staff)
        as_admin.submit(f"/admin/users/{staff_user.id}/deactivate")
        as_admin.submit(f"/admin/users/{staff_user.id}/activate")
        assert make_bearer_call(client, raw) == 401
        db.expire_all()
        assert db.exec(select(ApiToken)).one().revoked_at is not None

    def test_its_use_is_audited_with_the_address(self, as_staff, client, db):
        raw = _create(as_staff)
        client.get("/api/v1/me", headers=_bearer(raw))
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "api_token.used")).one()
        assert event.ip == "127.0.0.1"


def make_bearer_call(client, raw: str) -> int:
    return client.get("/api/v1/me", headers=_bearer(raw)).status_code
