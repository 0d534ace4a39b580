"""Request and response protections: CSRF, cross-site refusals, headers, caps, error pages."""

from __future__ import annotations

from sqlmodel import Session, select

from placement.models import User
from placement.web.middleware import SECURITY_HEADERS
from tests import factories


class TestCSRF:
    def test_a_post_without_the_token_is_refused_and_changes_nothing(
        self, as_graduate, db: Session, graduate_user
    ):
        response = as_graduate.post(
            "/account/password",
            data={"current_password": factories.PASSWORD, "password": "a new long passphrase"},
        )
        assert response.status_code == 403
        db.expire_all()
        user = db.get(User, graduate_user.user.id)
        assert user.session_version == graduate_user.user.session_version
        assert as_graduate.get("/api/v1/me").status_code == 200

    def test_a_token_from_another_session_is_refused(self, make_client, graduate_user, db):
        attacker = make_client()
        foreign_token = attacker.csrf_token()
        response = make_client().post(
            "/register/graduate",
            data={"csrf_token": foreign_token, "email": "x@example.com"},
        )
        assert response.status_code == 403

    def test_a_cross_site_post_is_refused_even_with_the_token(self, as_graduate):
        token = as_graduate.csrf_token()
        for headers in ({"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
            response = as_graduate.post("/logout", data={"csrf_token": token}, headers=headers)
            assert response.status_code == 403
        assert as_graduate.get("/api/v1/me").status_code == 200

    def test_a_same_origin_post_is_accepted(self, as_graduate):
        token = as_graduate.csrf_token()
        response = as_graduate.post(
            "/logout",
            data={"csrf_token": token},
            headers={"Origin": "http://testserver", "Sec-Fetch-Site": "same-origin"},
        )
        assert response.status_code == 303


class TestHeaders:
    def test_every_page_carries_the_security_headers(self, client):
        for path in ("/", "/login", "/no-such-page"):
            response = client.get(path)
            for name, value in SECURITY_HEADERS.items():
                assert response.headers[name] == value, (path, name)
            csp = response.headers["content-security-policy"]
            assert "'unsafe-inline'" not in csp
            assert "object-src 'none'" in csp and "frame-ancestors 'none'" in csp
            assert response.headers["x-request-id"]

    def test_pages_have_no_inline_script(self, client):
        for path in ("/", "/login", "/register/graduate", "/register/employer"):
            page = client.get(path).text
            assert "<script>" not in page and "onclick=" not in page


class TestLimits:
    def test_a_large_body_is_refused_with_413(self, client, settings):
        response = client.post(
            "/login",
            content=b"x" * (settings.max_body_bytes + 1),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert response.status_code == 413

    def test_a_streamed_large_body_is_refused_with_413(self, client, settings):
        async def chunks():
            for _ in range(settings.max_body_bytes // 65536 + 2):
                yield b"y" * 65535 + b"&"

        response = client.post(
            "/login",
            content=chunks(),
            headers={"content-type": "application/x-www-form-urlencoded"},
        )
        assert response.status_code == 413

    def test_a_garbled_multipart_body_is_a_400_not_a_500(self, client):
        response = client.post(
            "/login",
            content=b"--xx\r\ngarbage",
            headers={"content-type": "multipart/form-data; boundary=xx"},
        )
        assert response.status_code in (400, 403)


class TestErrorPages:
    def test_a_missing_page_is_a_friendly_404_with_a_request_id(self, client):
        response = client.get("/positions/../../etc/passwd")
        response = client.get("/no/such/page")
        assert response.status_code == 404
        assert "Page not found" in response.text
        assert response.headers["x-request-id"] in response.text
        assert "Traceback" not in response.text

    def test_a_500_shows_no_traceback(self, app, client, monkeypatch):
        from placement.web import public

        def broken(*args, **kwargs):
            raise RuntimeError("secret internals")

        monkeypatch.setattr(public, "render", broken)
        response = client.get("/")
        assert response.status_code == 500
        assert "secret internals" not in response.text
        assert "Something went wrong" in response.text
        assert response.headers["x-request-id"] in response.text

    def test_nul_bytes_and_huge_values_are_form_errors(self, client, db: Session):
        response = client.submit(
            "/register/graduate",
            {
                "email": "a\x00b@example.com",
                "first_name": "x" * 100_000,
                "password": "a long enough passphrase",
                "last_name": "Doe",
                "student_id": "1",
                "program": "p",
                "graduation_date": "2025-01-01",
            },
        )
        assert response.status_code == 422
        assert db.exec(select(User)).all() == []


class TestHealth:
    def test_it_answers_ok_when_the_database_answers(self, client):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.json() == {"status": "ok", "database": "ok"}

    def test_it_answers_503_when_the_database_is_down(self, tmp_path):
        from placement.app import create_app
        from placement.config import Settings
        from tests.conftest import Client

        unreachable = Settings(
            database_url="postgresql+psycopg://nobody@127.0.0.1:1/none",
            environment="test",
            base_url="http://testserver",
        )
        client = Client(create_app(unreachable))
        try:
            response = client.get("/healthz")
        finally:
            client.close()
        assert response.status_code == 503
        assert response.json()["database"] != "ok"


class TestDatabaseDown:
    def test_a_page_answers_503_while_the_database_is_down(self):
        from placement.app import create_app
        from placement.config import Settings
        from tests.conftest import Client

        unreachable = Settings(
            database_url="postgresql+psycopg://nobody@127.0.0.1:1/none",
            environment="test",
            base_url="http://testserver",
        )
        client = Client(create_app(unreachable))
        try:
            page = client.get("/positions")
            api = client.get("/api/v1/positions/1/matches")
        finally:
            client.close()
        assert page.status_code == 503
        assert page.headers["retry-after"] == "5"
        assert "briefly unavailable" in page.text and "Traceback" not in page.text
        assert api.status_code in (401, 503)
