"""/account/notifications: the language and frequency of a person's mail."""

from __future__ import annotations

import pytest
from sqlmodel import select

from placement.models import AuditEvent, User


class TestNotificationSettings:
    def test_it_shows_the_defaults(self, as_graduate):
        page = as_graduate.get("/account/notifications")
        assert page.status_code == 200
        assert 'value="immediate" checked' in page.text
        assert '<option value="en" selected' in page.text

    @pytest.mark.parametrize("persona", ["as_graduate", "as_employer", "as_staff"])
    def test_every_side_links_to_it(self, request, persona):
        client = request.getfixturevalue(persona)
        home = {"as_graduate": "/me", "as_employer": "/employer", "as_staff": "/staff"}[persona]
        assert "/account/notifications" in client.get(home).text

    @pytest.mark.parametrize("frequency", ["immediate", "daily", "weekly", "off"])
    def test_it_saves_each_frequency(self, as_graduate, db, graduate_user, frequency):
        response = as_graduate.submit(
            "/account/notifications", {"language": "es", "email_frequency": frequency}
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/account/notifications?done=1"
        db.expire_all()
        user = db.get(User, graduate_user.user.id)
        assert (user.language, user.email_frequency) == ("es", frequency)
        # The pages follow the account's new language at once.
        saved = as_graduate.get(response.headers["location"]).text
        assert "Se guardó su configuración de notificaciones." in saved
        (event,) = db.exec(
            select(AuditEvent).where(AuditEvent.action == "account.notifications_changed")
        ).all()
        assert event.actor_user_id == user.id

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            ({"language": "fr", "email_frequency": "daily"}, "language"),
            ({"language": "en", "email_frequency": "hourly"}, "email_frequency"),
            ({"language": "en"}, "email_frequency"),
        ],
    )
    def test_it_refuses_what_is_not_offered(self, as_graduate, db, graduate_user, data, field):
        response = as_graduate.submit("/account/notifications", data)
        assert response.status_code == 422
        assert f'id="error-{field}"' in response.text
        db.expire_all()
        assert db.get(User, graduate_user.user.id).email_frequency == "immediate"

    def test_it_needs_a_sign_in(self, client):
        response = client.get("/account/notifications")
        assert response.status_code in (302, 303)
        assert "/login" in response.headers["location"]
