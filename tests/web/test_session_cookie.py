"""The session cookie carries ids, the session version and the CSRF token: never a secret
link, even right after an invitation is made."""

from __future__ import annotations

from placement.security import SESSION_COOKIE, SessionSigner


def _session(client, settings) -> dict:
    data = SessionSigner(settings.secret_key).loads(client.cookies.get(SESSION_COOKIE))
    assert data is not None
    return data


def test_an_invitation_leaves_only_an_id_in_the_cookie(as_employer, settings):
    response = as_employer.submit(
        "/employer/team", {"email": "colleague@harbor.example", "name": "Cole League"}
    )
    assert response.status_code == 303
    data = _session(as_employer, settings)
    assert set(data) <= {"uid", "ver", "csrf"}
    assert "/account/setup/" not in repr(data)
    # The link goes by mail only (the page must not tell whether the address had an account).
    assert "/account/setup/" not in as_employer.get(response.headers["location"]).text


def test_a_signed_in_session_holds_ids_only(as_graduate, settings):
    data = _session(as_graduate, settings)
    assert set(data) == {"uid", "ver", "csrf"}
    assert all(isinstance(data[key], int) for key in ("uid", "ver"))
