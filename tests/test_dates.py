"""One helper for "within N years", safe with a clock set to 29 February; one attachment()
helper for every download, whatever the script of the file name."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import time_machine
from sqlmodel import select

from placement import dates
from placement.models import Graduate
from placement.services import Actor, roster
from placement.web.http import content_disposition
from tests import factories
from tests.web.test_auth import GRADUATE_FORM
from tests.web.test_pipeline import PDF

LEAP_DAY = date(2028, 2, 29)


@pytest.fixture
def leap_day():
    """The real clock at noon on 29 February (the school's calendar says so)."""
    with time_machine.travel(datetime(2028, 2, 29, 20, tzinfo=UTC), tick=True):
        assert dates.today() == LEAP_DAY
        yield LEAP_DAY


class TestToday:
    """ "Today" is the school's date, not the server's: at 01:00 UTC it is still yesterday in
    Los Angeles, and every caller (pages, jobs, reports, tests) must agree on it."""

    def test_a_utc_midnight_is_still_yesterday_at_the_school(self):
        with time_machine.travel(datetime(2026, 12, 2, 1, tzinfo=UTC), tick=False):
            assert dates.today() == date(2026, 12, 1)

    def test_it_follows_the_configured_zone(self, monkeypatch):
        from zoneinfo import ZoneInfo

        from placement.config import load_settings
        from placement.localtime import local_today

        settings = load_settings({"SCHOOL_TIMEZONE": "Pacific/Auckland"})
        with time_machine.travel(datetime(2026, 12, 2, 1, tzinfo=UTC), tick=False):
            assert dates.today(ZoneInfo("Pacific/Auckland")) == date(2026, 12, 2)
            assert dates.today(settings.zone) == local_today(settings)


def test_no_code_asks_the_server_for_its_date():
    """`date.today()` is the server's calendar; placement code asks `dates.today()`."""
    root = Path(__file__).resolve().parent.parent / "placement"
    offenders = [
        f"{path.relative_to(root)}:{number}"
        for path in root.rglob("*.py")
        if path.name != "dates.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\bdate\.today\(\)|datetime\.now\(\)\.date\(\)", line)
    ]
    assert offenders == []


class TestYears:
    @pytest.mark.parametrize(
        ("day", "years", "expected"),
        [
            (date(2028, 2, 29), 2, date(2030, 2, 28)),
            (date(2028, 2, 29), 4, date(2032, 2, 29)),
            (date(2028, 2, 29), -1, date(2027, 2, 28)),
            (date(2026, 12, 1), 2, date(2028, 12, 1)),
        ],
    )
    def test_years_after(self, day, years, expected):
        assert dates.years_after(day, years) == expected

    def test_within_years_on_a_leap_day(self, leap_day):
        assert dates.within_years(date(2030, 2, 28), 2)
        assert not dates.within_years(date(2030, 3, 1), 2)


class TestOnTheTwentyNinthOfFebruary:
    def test_graduate_registration_works(self, client, leap_day):
        response = client.submit("/register/graduate", GRADUATE_FORM)
        assert response.status_code == 303

    def test_graduate_registration_still_refuses_a_far_date(self, client, leap_day):
        response = client.submit(
            "/register/graduate", {**GRADUATE_FORM, "graduation_date": "2031-01-01"}
        )
        assert response.status_code == 422

    def test_the_profile_form_works(self, db, make_client, leap_day):
        persona = factories.graduate(db, email="leap@example.com", verified=False)
        client = make_client()
        client.login(persona.user.email)
        page = client.get("/me/profile")
        assert page.status_code == 200
        response = client.submit(
            "/me/profile", {"first_name": "Leap", "graduation_date": "2031-01-01"}
        )
        assert response.status_code != 500

    def test_the_roster_import_works(self, db, settings, leap_day):
        data = (
            b"student_id,first_name,last_name,email,program,graduation_date,training_hours\n"
            b"S29,Feb,Leap,leap@example.com,MMT,2030-02-28,700\n"
            b"S30,Mar,Late,late@example.com,MMT,2031-01-01,700\n"
        )
        result = roster.import_roster(
            db, settings, data, skip_bad_rows=True, actor=Actor(user_id=None, role="cli")
        )
        assert result.created == 1 and [e.line for e in result.errors] == [3]


class TestAttachment:
    @pytest.mark.parametrize(
        ("name", "encoded"),
        [
            ("李明 CV.pdf", "%E6%9D%8E%E6%98%8E%20CV.pdf"),
            (
                "Иван Петров.pdf",
                "%D0%98%D0%B2%D0%B0%D0%BD%20%D0%9F%D0%B5%D1%82%D1%80%D0%BE%D0%B2.pdf",
            ),
            ('Grace "CV"; 100%.pdf', "Grace%20%22CV%22%3B%20100%25.pdf"),
        ],
    )
    def test_content_disposition_per_rfc_6266_and_5987(self, name, encoded):
        header = content_disposition(name)
        header.encode("latin-1")  # a header must be latin-1: this is what gave the 500
        fallback = re.fullmatch(r'attachment; filename="([^"]*)"; filename\*=UTF-8\'\'(.+)', header)
        assert fallback, header
        assert fallback.group(1).isascii() and ";" not in fallback.group(1)
        assert fallback.group(2) == encoded

    def test_an_employer_downloads_a_resume_named_in_chinese(
        self, as_employer, db, settings, employer_user, graduate_user
    ):
        position = factories.position(db, employer_user.employer.id)
        application = factories.application(db, position.id, graduate_user.graduate.id)
        settings.upload_dir.mkdir(parents=True, exist_ok=True)
        stored = "0123456789abcdef0123456789abcdef.pdf"
        (settings.upload_dir / stored).write_bytes(PDF)
        graduate = db.exec(select(Graduate).where(Graduate.id == graduate_user.graduate.id)).one()
        graduate.resume_file, graduate.resume_name = stored, "李明 CV.pdf"
        db.add(graduate)
        db.commit()

        response = as_employer.get(f"/employer/applications/{application.id}/resume")

        assert response.status_code == 200
        assert response.content == PDF
        assert (
            "filename*=UTF-8''%E6%9D%8E%E6%98%8E%20CV.pdf"
            in response.headers["content-disposition"]
        )
