"""Registration, sign-in and sign-out, sessions that can be revoked, passwords and resets."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session, select

from placement.models import Employer, Graduate, OneTimeToken, User
from placement.security import SESSION_COOKIE
from tests import factories

GRADUATE_FORM = {
    "email": "new.grad@example.com",
    "password": "a long enough passphrase",
    "first_name": "Nia",
    "last_name": "Okafor",
    "student_id": "S2025-0042",
    "program": "Medical Massage Therapy",
    "graduation_date": "2025-06-15",
}
EMPLOYER_FORM = {
    "organization_name": "Seabreeze Skilled Nursing",
    "organization_kind": "nursing_home",
    "npi": "1234567893",
    "zip": "90802",
    "website": "https://seabreeze.example",
    "contact_name": "Rita Moreno",
    "email": "rita@seabreeze.example",
    "password": "a long enough passphrase",
}


def _reset_link(mail_dir: Path) -> str:
    messages = sorted(mail_dir.glob("*.eml"))
    assert messages, "no mail was written"
    match = re.search(r"/password/reset/([A-Za-z0-9_\-]+)", messages[-1].read_text())
    assert match
    return match.group(0)


class TestGraduateRegistration:
    def test_it_creates_the_account_and_signs_in(self, client, db: Session):
        response = client.submit("/register/graduate", GRADUATE_FORM)
        assert response.status_code == 303
        assert response.headers["location"] == "/me"
        graduate = db.exec(
            select(Graduate).where(Graduate.claimed_student_id == "S2025-0042")
        ).one()
        assert graduate.cohort == 2025 and graduate.verified_at is None
        me = client.get("/api/v1/me").json()
        assert me["role"] == "graduate" and me["graduate_id"] == graduate.id

    def test_it_refuses_bad_input_and_keeps_what_was_typed(self, client, db: Session):
        bad = {
            **GRADUATE_FORM,
            "email": "not-an-email",
            "password": "short",
            "graduation_date": "15/06/2025",
        }
        response = client.submit("/register/graduate", bad)
        assert response.status_code == 422
        page = response.text
        assert "Enter an e-mail address" in page
        assert "at least 12 characters" in page
        assert "YYYY-MM-DD" in page
        assert 'value="not-an-email"' in page
        assert 'value="Okafor"' in page
        assert 'value="15/06/2025"' in page
        assert "short" not in re.findall(r'type="password" [^>]*', page)[0]
        assert db.exec(select(User)).all() == []

    def test_it_refuses_a_duplicate_email(self, client, db: Session, graduate_user):
        response = client.submit(
            "/register/graduate", {**GRADUATE_FORM, "email": graduate_user.user.email.upper()}
        )
        assert response.status_code == 422
        assert "already exists" in response.text
        assert 'value="Nia"' in response.text

    def test_it_refuses_a_common_password(self, client):
        response = client.submit(
            "/register/graduate", {**GRADUATE_FORM, "password": "password1234"}
        )
        assert response.status_code == 422
        assert "too common" in response.text

    def test_it_ignores_a_posted_role(self, client, db: Session):
        client.submit("/register/graduate", {**GRADUATE_FORM, "role": "admin"})
        assert db.exec(select(User)).one().role == "graduate"

    def test_the_form_renders(self, client):
        page = client.get("/register/graduate")
        assert page.status_code == 200
        assert 'name="graduation_date"' in page.text


class TestEmployerRegistration:
    def test_it_creates_a_pending_organisation(self, client, db: Session):
        response = client.submit("/register/employer", EMPLOYER_FORM)
        assert response.status_code == 303
        assert response.headers["location"] == "/employer"
        employer = db.exec(select(Employer)).one()
        assert employer.status == "pending" and employer.npi == "1234567893"
        assert client.get("/api/v1/me").json()["employer_id"] == employer.id

    def test_it_refuses_a_bad_npi_unknown_zip_and_kind(self, client, db: Session):
        bad = {**EMPLOYER_FORM, "npi": "1234567890", "zip": "00000", "organization_kind": "spa"}
        response = client.submit("/register/employer", bad)
        assert response.status_code == 422
        assert "not a valid 10-digit NPI" in response.text
        assert "not a US ZIP code we know" in response.text
        assert "Choose one of the options" in response.text
        assert 'value="Seabreeze Skilled Nursing"' in response.text
        assert db.exec(select(Employer)).all() == []

    def test_it_refuses_a_website_that_is_not_http(self, client):
        response = client.submit(
            "/register/employer", {**EMPLOYER_FORM, "website": "javascript:alert(1)"}
        )
        assert response.status_code == 422
        assert "http://" in response.text


class TestLogin:
    def test_it_signs_in_and_renews_the_cookie(self, client, graduate_user):
        client.get("/login")
        before = client.cookies.get(SESSION_COOKIE)
        response = client.submit(
            "/login", {"email": graduate_user.user.email, "password": factories.PASSWORD}
        )
        assert response.status_code == 303 and response.headers["location"] == "/me"
        after = client.cookies.get(SESSION_COOKIE)
        assert after and after != before
        cookie_header = response.headers["set-cookie"]
        assert "HttpOnly" in cookie_header and "SameSite=Lax" in cookie_header
        assert "Secure" not in cookie_header  # plain HTTP on 127.0.0.1 must keep working

    def test_it_renews_the_csrf_token_at_sign_in(self, client, graduate_user):
        before = client.csrf_token()
        client.login(graduate_user.user.email)
        assert client.csrf_token() != before

    def test_one_message_for_wrong_email_or_password(self, client, graduate_user):
        wrong_password = client.submit(
            "/login", {"email": graduate_user.user.email, "password": "x" * 12}
        )
        unknown = client.submit("/login", {"email": "nobody@example.com", "password": "x" * 12})
        assert wrong_password.status_code == unknown.status_code == 422
        assert "The e-mail or the password is wrong." in wrong_password.text
        assert "The e-mail or the password is wrong." in unknown.text
        assert f'value="{graduate_user.user.email}"' in wrong_password.text

    def test_it_follows_a_local_next(self, client, staff_user):
        token = client.csrf_token()
        response = client.post(
            "/login?next=/staff/graduates",
            data={"csrf_token": token, "email": staff_user.email, "password": factories.PASSWORD},
        )
        assert response.headers["location"] == "/staff/graduates"

    def test_it_refuses_a_next_to_another_host(self, make_client, staff_user):
        for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "http:x"):
            client = make_client()
            token = client.csrf_token()
            response = client.post(
                "/login",
                params={"next": target},
                data={
                    "csrf_token": token,
                    "email": staff_user.email,
                    "password": factories.PASSWORD,
                },
            )
            assert response.status_code == 303
            assert response.headers["location"] == "/staff", target

    def test_the_limit_per_account_cannot_be_dodged_by_forwarded_headers(
        self, client, graduate_user
    ):
        email = graduate_user.user.email
        for attempt in range(10):
            response = client.submit(
                "/login",
                {"email": email, "password": f"wrong password {attempt}"},
                headers={"X-Forwarded-For": f"10.0.0.{attempt}"},
            )
            assert response.status_code == 422
        blocked = client.submit(
            "/login",
            {"email": email, "password": factories.PASSWORD},
            headers={"X-Forwarded-For": "10.9.9.9"},
        )
        assert blocked.status_code == 429
        assert int(blocked.headers["retry-after"]) > 0
        assert "Too many failed sign-ins" in blocked.text

    def test_the_limit_per_address(self, client, graduate_user, other_graduate_user, db):
        for attempt in range(10):
            client.submit(
                "/login", {"email": f"someone{attempt}@example.com", "password": "x" * 12}
            )
        blocked = client.submit(
            "/login", {"email": other_graduate_user.user.email, "password": factories.PASSWORD}
        )
        assert blocked.status_code == 429

    def test_a_deactivated_user_cannot_sign_in(self, client, db, graduate_user):
        graduate_user.user.active = False
        db.add(graduate_user.user)
        db.commit()
        response = client.submit(
            "/login", {"email": graduate_user.user.email, "password": factories.PASSWORD}
        )
        assert response.status_code == 422


class TestSessionsEnd:
    def test_sign_out_ends_a_copied_cookie(self, make_client, graduate_user):
        browser = make_client()
        browser.login(graduate_user.user.email)
        copied = browser.cookies.get(SESSION_COOKIE)
        assert browser.submit("/logout").status_code == 303
        thief = make_client()
        thief.cookies.set(SESSION_COOKIE, copied)
        response = thief.get("/me")
        assert response.status_code == 303
        assert response.headers["location"].startswith("/login?next=")
        assert thief.get("/api/v1/me").status_code == 401

    def test_a_password_change_ends_every_other_session(
        self, make_client, graduate_user, db: Session
    ):
        laptop, phone = make_client(), make_client()
        laptop.login(graduate_user.user.email)
        phone.login(graduate_user.user.email)
        old_cookie = laptop.cookies.get(SESSION_COOKIE)
        response = laptop.submit(
            "/account/password",
            {"current_password": factories.PASSWORD, "password": "a brand new passphrase"},
        )
        assert response.status_code == 303
        assert laptop.get("/api/v1/me").status_code == 200  # this session goes on
        assert phone.get("/api/v1/me").status_code == 401
        replay = make_client()
        replay.cookies.set(SESSION_COOKIE, old_cookie)
        assert replay.get("/api/v1/me").status_code == 401

    def test_a_password_change_needs_the_current_password(self, as_graduate):
        response = as_graduate.submit(
            "/account/password",
            {"current_password": "not my password", "password": "a brand new passphrase"},
        )
        assert response.status_code == 422
        assert "not your current password" in response.text
        assert as_graduate.get("/api/v1/me").status_code == 200

    def test_deactivation_ends_sessions_at_once(self, as_graduate, db, graduate_user):
        user = db.get(User, graduate_user.user.id)
        user.active = False
        db.add(user)
        db.commit()
        assert as_graduate.get("/api/v1/me").status_code == 401


class TestPasswordReset:
    def test_the_answer_is_the_same_for_unknown_emails(self, client, graduate_user, settings):
        known = client.submit("/password/forgot", {"email": graduate_user.user.email})
        unknown = client.submit("/password/forgot", {"email": "nobody@example.com"})
        assert known.status_code == unknown.status_code == 303
        assert known.headers["location"] == unknown.headers["location"]
        assert len(list(settings.mail_dir.glob("*.eml"))) == 1

    def test_a_link_works_once_and_ends_old_sessions(self, make_client, graduate_user, settings):
        old = make_client()
        old.login(graduate_user.user.email)
        client = make_client()
        client.submit("/password/forgot", {"email": graduate_user.user.email})
        link = _reset_link(settings.mail_dir)
        assert client.get(link).status_code == 200
        response = client.submit(link, {"password": "my new long passphrase"})
        assert response.status_code == 303
        assert old.get("/api/v1/me").status_code == 401
        assert client.get("/api/v1/me").status_code == 200
        again = make_client()
        assert again.get(link).status_code == 404
        assert again.submit(link, {"password": "another long passphrase"}).status_code == 404
        fresh = make_client()
        fresh.login(graduate_user.user.email, "my new long passphrase")

    def test_a_link_expires(self, client, graduate_user, settings, db: Session):
        client.submit("/password/forgot", {"email": graduate_user.user.email})
        link = _reset_link(settings.mail_dir)
        token = db.exec(select(OneTimeToken)).one()
        token.expires_at = token.created_at - timedelta(seconds=1)
        db.add(token)
        db.commit()
        assert client.get(link).status_code == 404
        assert client.submit(link, {"password": "my new long passphrase"}).status_code == 404

    def test_a_link_dies_when_the_user_signs_in(self, make_client, graduate_user, settings):
        client = make_client()
        client.submit("/password/forgot", {"email": graduate_user.user.email})
        link = _reset_link(settings.mail_dir)
        make_client().login(graduate_user.user.email)
        assert client.get(link).status_code == 404

    def test_a_short_new_password_is_refused(self, client, graduate_user, settings):
        client.submit("/password/forgot", {"email": graduate_user.user.email})
        link = _reset_link(settings.mail_dir)
        response = client.submit(link, {"password": "short"})
        assert response.status_code == 422
        assert "at least 12" in response.text
        assert client.get(link).status_code == 200  # still usable
