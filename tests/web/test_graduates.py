"""The graduate's pages: dashboard, profile, credentials, notifications, and the rule that a
graduate sees and changes only their own records (every /me route)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlmodel import Session, select
from starlette.routing import Route

from placement import dates, taxonomy
from placement.models import (
    Application,
    AuditEvent,
    Change,
    Graduate,
    GraduateCredential,
    GraduateModality,
    Message,
    Referral,
    utcnow,
)
from placement.web import graduates as graduate_views
from tests import factories

PROFILE = {
    "first_name": "Grace",
    "last_name": "Hopper",
    "program": "Clinical and Medical Massage (1,000 hours)",
    "graduation_date": "2024-12-15",
    "training_hours": "1000",
    "clinical_hours": "240",
    "zip": "90802",
    "travel_radius_miles": "30",
    "settings": ["hospital", "oncology_center"],
    "employment_types": ["part_time", "per_diem"],
    "availability": ["mon-am", "wed-pm", "sat-eve"],
    "pay_expectation": "34.50",
    "bio": "Oncology-trained therapist.\nGentle, calm, punctual.",
    "visibility": "employers",
    "seeking": "seeking",
    "modality_manual_lymphatic_drainage": "3",
    "modality_oncology": "2",
    "modality_swedish": "1",
}


def _profile_form(graduate: Graduate, **changes: object) -> dict[str, object]:
    return {**PROFILE, "version": str(graduate.version), **changes}


def _message(db: Session, user_id: int, subject: str, *, read: bool = False, minutes: int = 0):
    row = Message(
        recipient_user_id=user_id,
        recipient_email="someone@example.com",
        subject=subject,
        body=f"Body of {subject}",
        created_at=utcnow() - timedelta(minutes=minutes),
        read_at=utcnow() if read else None,
    )
    db.add(row)
    db.commit()
    return row


class TestDashboard:
    def test_it_shows_applications_with_their_current_stage(
        self, as_graduate, db, graduate_user, employer_user
    ):
        position = factories.position(db, employer_user.employer.id, title="Oncology massage")
        factories.application(db, position.id, graduate_user.graduate.id, stage="interview")
        page = as_graduate.get("/me")
        assert page.status_code == 200
        assert "Oncology massage" in page.text
        assert "Harbor Hospital" in page.text
        assert 'class="status interview">Interview' in page.text

    def test_it_lists_referrals_awaiting_an_answer_only(
        self, as_graduate, db, graduate_user, employer_user
    ):
        waiting = factories.position(db, employer_user.employer.id, title="Hospice comfort care")
        answered = factories.position(db, employer_user.employer.id, title="Rehab floor")
        factories.referral(db, waiting.id, graduate_user.graduate.id)
        factories.referral(db, answered.id, graduate_user.graduate.id, status="declined")
        page = as_graduate.get("/me").text
        section = page.split('id="referrals-heading"')[1].split("</section>")[0]
        assert "Hospice comfort care" in section
        assert "Rehab floor" not in section

    def test_it_warns_about_expired_and_soon_expiring_credentials(
        self, as_graduate, db, graduate_user
    ):
        graduate_id = graduate_user.graduate.id
        factories.credential(db, graduate_id, "bls_cpr", expires_on=dates.today() - timedelta(1))
        factories.credential(db, graduate_id, "tb_test", expires_on=dates.today() + timedelta(20))
        factories.credential(db, graduate_id, "camtc", expires_on=dates.today() + timedelta(400))
        page = as_graduate.get("/me").text
        warnings = page.split('id="credential-warnings"')[1].split("</section>")[0]
        assert "BLS/CPR" in warnings and "expired on" in warnings
        assert "TB test" in warnings and "expires in 20 days" in warnings
        assert "CAMTC" not in warnings

    def test_it_has_no_warning_box_when_all_credentials_are_current(
        self, as_graduate, db, graduate_user
    ):
        factories.credential(db, graduate_user.graduate.id, "camtc", expires_on=None)
        assert 'id="credential-warnings"' not in as_graduate.get("/me").text

    def test_it_shows_profile_completeness_and_what_is_missing(
        self, as_graduate, db, graduate_user
    ):
        page = as_graduate.get("/me").text
        match = re.search(r"Your profile is (\d+)% complete", page)
        assert match and 0 < int(match.group(1)) < 100
        assert "a short bio" in page
        assert "a résumé (PDF)" in page
        assert "the modalities you practise" in page

    def test_it_lists_notifications_newest_first_with_unread_highlighted(
        self, as_graduate, db, graduate_user, other_graduate_user
    ):
        user_id = graduate_user.user.id
        _message(db, user_id, "Older and read", read=True, minutes=30)
        _message(db, user_id, "Newest and unread", minutes=1)
        _message(db, other_graduate_user.user.id, "Someone else's news")
        page = as_graduate.get("/me").text
        assert page.index("Newest and unread") < page.index("Older and read")
        assert re.search(r'<li class="unread">\s*<details>\s*<summary><strong>Newest', page)
        assert re.search(r'<li class="read">\s*<details>\s*<summary>Older and read', page)
        assert "Someone else" not in page
        assert 'aria-label="1 unread notification"' in page

    def test_it_has_a_real_empty_state(self, as_graduate):
        page = as_graduate.get("/me").text
        assert "You have not applied to any position yet" in page
        assert "No notifications yet" in page

    def test_it_is_only_for_graduates(self, as_employer, as_staff):
        assert as_employer.get("/me").status_code == 403
        assert as_staff.get("/me").status_code == 403


class TestNotificationsRead:
    def test_it_marks_only_my_notifications_read(
        self, as_graduate, db, graduate_user, other_graduate_user
    ):
        mine = _message(db, graduate_user.user.id, "Mine")
        theirs = _message(db, other_graduate_user.user.id, "Theirs")
        response = as_graduate.submit("/me/notifications/read")
        assert response.status_code == 303
        assert response.headers["location"].startswith("/me")
        db.expire_all()
        assert db.get(Message, mine.id).read_at is not None
        assert db.get(Message, theirs.id).read_at is None
        assert "badge" not in as_graduate.get("/me").text.split("</nav>")[0]


class TestProfile:
    @pytest.fixture(autouse=True)
    def _not_verified_yet(self, db, graduate_user):
        # Roster fields are read-only once verified (tests/web/test_roster_fields.py).
        graduate_user.graduate.verified_at = None
        db.add(graduate_user.graduate)
        db.commit()

    def test_it_shows_the_profile_grouped_with_taxonomy_labels(
        self, as_graduate, db, graduate_user
    ):
        factories.modality(db, graduate_user.graduate.id, "oncology", 3)
        page = as_graduate.get("/me/profile").text
        for group, _codes in (("Clinical and medical", ()), ("Special populations", ())):
            assert f"<legend>{group}</legend>" in page
        for term in taxonomy.MODALITIES.values():
            assert f'name="modality_{term.code}"' in page
            assert term.label in page
        assert re.search(r'name="modality_oncology">.*?<option value="3" selected', page, re.S)
        # the availability grid: 7 days x morning/afternoon/evening, each labelled
        assert page.count('name="availability"') == 21
        assert "Mon morning" in page and "Sun evening" in page
        assert re.search(r'value="mon-am" checked', page)
        assert not re.search(r'value="mon-eve" checked', page)
        assert 'name="version" value="1"' in page
        assert "Hospital" in page and "Per diem" in page

    def test_it_saves_every_field_modalities_and_the_cohort(self, as_graduate, db, graduate_user):
        graduate = graduate_user.graduate
        factories.modality(db, graduate.id, "thai", 2)  # set to 0 below: removed
        form = _profile_form(graduate, modality_thai="0")
        response = as_graduate.submit("/me/profile", form)
        assert response.status_code == 303, response.text
        assert response.headers["location"].startswith("/me/profile")
        db.expire_all()
        saved = db.get(Graduate, graduate.id)
        assert saved.program == PROFILE["program"]
        assert saved.graduation_date == date(2024, 12, 15) and saved.cohort == 2024
        assert (saved.training_hours, saved.clinical_hours) == (1000, 240)
        assert (saved.zip, saved.travel_radius_miles) == ("90802", 30)
        assert saved.settings == "hospital,oncology_center"
        assert saved.employment_types == "part_time,per_diem"
        assert saved.availability == "mon-am,sat-eve,wed-pm"
        assert saved.pay_expectation == 34.5
        assert saved.bio == PROFILE["bio"]
        assert (saved.visibility, saved.seeking) == ("employers", "seeking")
        assert saved.version == 2
        modalities = {
            row.code: row.proficiency
            for row in db.exec(
                select(GraduateModality).where(GraduateModality.graduate_id == graduate.id)
            )
        }
        assert modalities == {"manual_lymphatic_drainage": 3, "oncology": 2, "swedish": 1}
        assert db.exec(select(Change).where(Change.object_id == graduate.id)).first()
        event = db.exec(
            select(AuditEvent).where(AuditEvent.action == "graduate.profile_updated")
        ).one()
        assert event.actor_user_id == graduate_user.user.id and "modalities" in event.detail
        assert "Oncology-trained" not in (event.after or "")
        assert "Your profile was saved" in as_graduate.get(response.headers["location"]).text

    def test_it_ignores_fields_the_form_does_not_declare(self, as_graduate, db, graduate_user):
        graduate = graduate_user.graduate
        graduate.verified_at = utcnow()  # verified, with the roster fields as they are
        for name in ("first_name", "last_name", "program", "training_hours", "clinical_hours"):
            setattr(graduate, name, type(getattr(graduate, name))(PROFILE[name]))
        graduate.graduation_date = date.fromisoformat(PROFILE["graduation_date"])
        graduate.cohort = graduate.graduation_date.year
        db.add(graduate)
        db.commit()
        form = _profile_form(
            graduate,
            role="admin",
            user_id="999",
            verified_at="",
            outcome_status="placed",
            student_id="HACKED",
            deleted_at="2020-01-01",
        )
        assert as_graduate.submit("/me/profile", form).status_code == 303
        db.expire_all()
        saved = db.get(Graduate, graduate.id)
        assert saved.user_id == graduate_user.user.id
        assert saved.verified_at is not None
        assert saved.outcome_status == "seeking"
        assert saved.student_id == graduate.student_id
        assert saved.deleted_at is None
        assert as_graduate.get("/api/v1/me").json()["role"] == "graduate"

    def test_it_refuses_bad_input_with_messages_and_keeps_every_value(
        self, as_graduate, db, graduate_user
    ):
        graduate = graduate_user.graduate
        bad = _profile_form(
            graduate,
            first_name="",
            graduation_date="15/12/2024",
            training_hours="lots",
            clinical_hours="-5",
            zip="ABCDE",
            travel_radius_miles="0",
            settings=["hospital", "spa"],
            availability=["mon-am", "mon-night"],
            pay_expectation="a lot",
            bio="x" * 4001,
            visibility="everyone",
            seeking="",
            modality_oncology="7",
        )
        response = as_graduate.submit("/me/profile", bad)
        assert response.status_code == 422
        page = response.text
        for name in (
            "first_name",
            "graduation_date",
            "training_hours",
            "clinical_hours",
            "zip",
            "travel_radius_miles",
            "settings",
            "availability",
            "pay_expectation",
            "bio",
            "visibility",
            "seeking",
            "modality_oncology",
        ):
            assert f'href="#field-{name}"' in page, name
        assert "Enter a date as YYYY-MM-DD" in page
        assert 'value="15/12/2024"' in page
        assert 'value="lots"' in page
        assert 'value="ABCDE"' in page
        assert 'value="a lot"' in page
        assert 'value="mon-am" checked' in page
        assert 'value="hospital" checked' in page
        db.expire_all()
        saved = db.get(Graduate, graduate.id)
        assert saved.version == 1 and saved.zip == "90001"

    def test_it_refuses_a_nul_byte_and_an_unknown_zip(self, as_graduate, graduate_user):
        form = _profile_form(graduate_user.graduate, last_name="Hop\x00per", zip="00000")
        response = as_graduate.submit("/me/profile", form)
        assert response.status_code == 422
        assert "NUL" in response.text
        assert "not a US ZIP code we know" in response.text

    def test_it_refuses_a_stale_form_and_keeps_what_was_typed(self, as_graduate, db, graduate_user):
        graduate = graduate_user.graduate
        first = as_graduate.submit("/me/profile", _profile_form(graduate, bio="First save"))
        assert first.status_code == 303
        stale = as_graduate.submit(
            "/me/profile", _profile_form(graduate, bio="Second save from an old tab")
        )
        assert stale.status_code == 409
        assert "nothing was saved" in stale.text
        assert "Second save from an old tab" in stale.text
        assert 'name="version" value="2"' in stale.text
        db.expire_all()
        assert db.get(Graduate, graduate.id).bio == "First save"

    def test_it_refuses_a_form_without_a_version(self, as_graduate, db, graduate_user):
        form = {k: v for k, v in _profile_form(graduate_user.graduate).items() if k != "version"}
        response = as_graduate.submit("/me/profile", form)
        assert response.status_code == 409
        assert "out of date" in response.text
        db.expire_all()
        assert db.get(Graduate, graduate_user.graduate.id).version == 1

    def test_it_treats_a_missing_modality_as_none(self, as_graduate, db, graduate_user):
        graduate = graduate_user.graduate
        factories.modality(db, graduate.id, "cupping", 2)
        form = {k: v for k, v in _profile_form(graduate).items() if k != "modality_swedish"}
        assert as_graduate.submit("/me/profile", form).status_code == 303
        codes = set(
            db.exec(
                select(GraduateModality.code).where(GraduateModality.graduate_id == graduate.id)
            )
        )
        assert codes == {"manual_lymphatic_drainage", "oncology"}


class TestCredentials:
    FORM = {
        "code": "state_license",
        "number": "MT-12345",
        "state": "ca",
        "issued_on": "2024-07-01",
        "expires_on": "2026-06-30",
    }

    def test_it_lists_credentials_with_their_status(self, as_graduate, db, graduate_user):
        graduate_id = graduate_user.graduate.id
        factories.credential(db, graduate_id, "camtc", verified=True)
        factories.credential(db, graduate_id, "bls_cpr", verified=False)
        factories.credential(db, graduate_id, "tb_test", expires_on=dates.today() - timedelta(3))
        factories.credential(
            db, graduate_id, "first_aid", expires_on=dates.today() + timedelta(days=12)
        )
        page = as_graduate.get("/me/credentials").text
        assert re.search(r"CAMTC.*?>verified<", page, re.S)
        assert re.search(r"BLS/CPR.*?awaiting verification", page, re.S)
        assert "expired on" in page
        assert "expires in 12 days" in page

    def test_it_adds_an_unverified_credential(self, as_graduate, db, graduate_user):
        response = as_graduate.submit("/me/credentials", self.FORM)
        assert response.status_code == 303
        assert response.headers["location"] == "/me/credentials"
        row = db.exec(select(GraduateCredential)).one()
        assert row.graduate_id == graduate_user.graduate.id
        assert (row.code, row.number, row.state) == ("state_license", "MT-12345", "CA")
        assert row.issued_on == date(2024, 7, 1) and row.expires_on == date(2026, 6, 30)
        assert row.verified_at is None
        assert db.exec(select(AuditEvent).where(AuditEvent.action == "credential.added")).one()
        assert db.exec(select(Change).where(Change.object_id == row.graduate_id)).first()

    def test_it_ignores_a_posted_verification(self, as_graduate, db):
        form = {**self.FORM, "verified_at": "2024-01-01", "verified_by": "1"}
        assert as_graduate.submit("/me/credentials", form).status_code == 303
        assert db.exec(select(GraduateCredential)).one().verified_at is None

    @pytest.mark.parametrize(
        ("changes", "field", "message"),
        [
            ({"code": "wizardry"}, "code", "Choose one of the options offered"),
            ({"code": ""}, "code", "This field is required"),
            ({"state": "ZZ"}, "state", "Choose the US state"),
            ({"state": ""}, "state", "This field is required"),
            ({"issued_on": "July 2024"}, "issued_on", "YYYY-MM-DD"),
            ({"expires_on": "2024-06-30"}, "expires_on", "must come after the issue date"),
            ({"issued_on": "2099-01-01", "expires_on": ""}, "issued_on", "cannot be in the"),
            ({"number": "9" * 61}, "number", "at most 60 characters"),
        ],
    )
    def test_it_refuses_bad_input_and_keeps_the_values(
        self, as_graduate, db, changes, field, message
    ):
        form = {**self.FORM, **changes}
        response = as_graduate.submit("/me/credentials", form)
        assert response.status_code == 422
        assert f'href="#field-{field}"' in response.text
        assert message in response.text
        assert 'value="MT-12345"' in response.text or field == "number"
        assert db.exec(select(GraduateCredential)).all() == []

    def test_it_removes_my_credential(self, as_graduate, db, graduate_user):
        row = factories.credential(db, graduate_user.graduate.id, "bls_cpr")
        response = as_graduate.submit(f"/me/credentials/{row.id}/delete")
        assert response.status_code == 303
        db.expunge_all()
        assert db.get(GraduateCredential, row.id) is None
        assert db.exec(select(AuditEvent).where(AuditEvent.action == "credential.removed")).one()

    def test_it_answers_404_for_a_missing_credential(self, as_graduate):
        assert as_graduate.submit("/me/credentials/999999/delete").status_code == 404


# -- a graduate sees and changes only their own records ------------------------------------


@pytest.fixture
def theirs(db, other_graduate_user, employer_user, staff_user):
    """The other graduate's application, credential and referral, and a referral of theirs
    that is still pending."""
    other_id = other_graduate_user.graduate.id
    # Far from this graduate (San Francisco), so the dashboard's recommended positions, which
    # may list any open position, do not list these titles either.
    far = {"zip": "94103"}
    applied = factories.position(db, employer_user.employer.id, title="Their application", **far)
    referred = factories.position(db, employer_user.employer.id, title="Their referral", **far)
    application = factories.application(db, applied.id, other_id, cover_note="Their note")
    credential = factories.credential(db, other_id, "clt_lymphedema", number="THEIRS-1")
    referral = factories.referral(db, referred.id, other_id, staff_user_id=staff_user.id)
    return {
        "application": application.id,
        "credential": credential.id,
        "referral": referral.id,
    }


OTHER_IDS = [
    ("GET", "/me/applications/{application}"),
    ("POST", "/me/applications/{application}/withdraw"),
    ("POST", "/me/credentials/{credential}/delete"),
    ("POST", "/me/referrals/{referral}/accept"),
    ("POST", "/me/referrals/{referral}/decline"),
]


class TestOnlyOwnRecords:
    @pytest.fixture(autouse=True)
    def _not_verified_yet(self, db, graduate_user):
        # Roster fields are read-only once verified (tests/web/test_roster_fields.py).
        graduate_user.graduate.verified_at = None
        db.add(graduate_user.graduate)
        db.commit()

    @pytest.mark.parametrize(("method", "template"), OTHER_IDS)
    def test_another_graduates_id_answers_404_and_changes_nothing(
        self, as_graduate, db, theirs, method, template
    ):
        url = template.format(**theirs)
        if method == "GET":
            response = as_graduate.get(url)
        else:
            response = as_graduate.submit(url, {"reason": "not mine"})
        assert response.status_code == 404
        assert "Their note" not in response.text and "THEIRS-1" not in response.text
        db.expire_all()
        assert db.get(Application, theirs["application"]).stage == "submitted"
        assert db.get(GraduateCredential, theirs["credential"]) is not None
        referral = db.get(Referral, theirs["referral"])
        assert referral.status == "pending" and referral.application_id is None
        assert db.exec(select(Application)).all() == [db.get(Application, theirs["application"])]

    @pytest.mark.parametrize("missing", ["987654", "2147483648", "99999999999999999999999"])
    @pytest.mark.parametrize(
        ("method", "template"), [*OTHER_IDS, ("POST", "/positions/{position}/apply")]
    )
    def test_a_missing_id_answers_the_same_404(
        self, as_graduate, theirs, method, template, missing
    ):
        url = re.sub(r"\{\w+\}", missing, template)
        response = as_graduate.get(url) if method == "GET" else as_graduate.submit(url)
        assert response.status_code == 404

    def test_lists_and_pages_show_only_my_records(self, as_graduate, theirs):
        for url in ("/me", "/me/applications", "/me/referrals", "/me/credentials", "/me/profile"):
            page = as_graduate.get(url)
            assert page.status_code == 200, url
            assert "Their application" not in page.text, url
            assert "Their referral" not in page.text, url
            assert "THEIRS-1" not in page.text, url
            assert "Omar" not in page.text, url

    def test_my_export_holds_only_my_records(self, as_graduate, theirs, graduate_user):
        document = as_graduate.get("/me/export").json()
        assert document["profile"]["id"] == graduate_user.graduate.id
        assert document["applications"] == [] and document["referrals"] == []
        assert document["credentials"] == []

    def test_my_profile_save_changes_only_my_graduate(
        self, as_graduate, db, graduate_user, other_graduate_user
    ):
        form = _profile_form(graduate_user.graduate, graduate_id=other_graduate_user.graduate.id)
        assert as_graduate.submit("/me/profile", form).status_code == 303
        db.expire_all()
        other = db.get(Graduate, other_graduate_user.graduate.id)
        assert other.version == 1 and other.program != PROFILE["program"]

    def test_every_graduate_route_is_covered_here(self):
        """A new /me route with an id must join OTHER_IDS (or this list of id-free routes)."""
        id_free = {
            "/profile",
            "/credentials",
            "/resume",
            "/applications",
            "/referrals",
            "/notifications/read",
            "/privacy",
            "/export",
            "/delete",
        }
        with_ids = {re.sub(r"^/me", "", t).replace("{", "").split("}")[0] for _, t in OTHER_IDS}
        for route in graduate_views.routes:
            assert isinstance(route, Route)
            if "{" in route.path:
                stem = route.path.split("{")[0]
                assert any(item.startswith(stem) for item in with_ids), route.path
            else:
                assert route.path in id_free, route.path
