"""Staff API tokens: made on the staff's own page, shown once, stored hashed, last use
recorded, refused once revoked."""

from __future__ import annotations

import re

from sqlmodel import select

from placement.models import ApiToken, AuditEvent
from placement.security import token_hash
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
