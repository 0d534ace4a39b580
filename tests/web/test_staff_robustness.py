"""Nothing anyone sends to a staff or admin route produces a 500."""

from __future__ import annotations

import pytest

from tests import factories

JUNK = [
    {},
    {"reason": "\x00", "status": "\x00", "note": "\x00", "name": "\x00"},
    {"reason": "r" * 100_000, "note": "n" * 100_000, "name": "x" * 10_000},
    {
        "position_id": "9" * 40,
        "graduate_id": "-0",
        "start_date": "2026-02-31",
        "hours_per_week": "1e9",
        "field": ["in_field", "out_of_field"],
        "method": "employer_confirmed\n",
        "email": "a@b",
        "role": "admin\x00",
        "status": "unavailable",
        "unavailable_reason": "ü" * 50,
        "next": "javascript:alert(1)",
        "skip_bad_rows": "🙂",
    },
]
POSTS = [
    "/staff/employers/{employer}/approve",
    "/staff/employers/{employer}/reject",
    "/staff/employers/{employer}/suspend",
    "/staff/positions/{position}/approve",
    "/staff/positions/{position}/reject",
    "/staff/graduates/{graduate}/verify",
    "/staff/graduates/{graduate}/outcome",
    "/staff/credentials/{credential}/verify",
    "/staff/import/graduates",
    "/staff/referrals",
    "/staff/placements",
    "/staff/placements/{placement}/verify",
    "/staff/account/tokens",
    "/staff/account/tokens/{token}/revoke",
    "/admin/users",
    "/admin/users/{user}/deactivate",
    "/admin/users/{user}/activate",
    "/staff/employers/99999999999999999999999/approve",
    "/admin/users/99999999999999999999999/activate",
]
GETS = [
    "/staff?page=x",
    "/staff/employers?status=%FF&page=-3",
    "/staff/positions?status=open&page=99999999999999999999",
    "/staff/graduates?q=%25_%5C&cohort=20x5&modality=swedish&modality=thai&verified=maybe",
    "/staff/graduates/{graduate}",
    "/staff/credentials?show=%00",
    "/staff/referrals?status=%E2%80%AE&page=0",
    "/staff/referrals/{referral}",
    "/staff/placements?verified=%00",
    "/staff/reports/outcomes?cohort=2025&format=pdf",
    "/staff/reports/outcomes/people?cohort=%00&column=%00",
    "/staff/audit?action=%25&actor=%5C%25&object_type=x&object_id=-1&since=0000-00-00",
    "/staff/audit?until=9999-12-31&since=1900-01-01",
    "/staff/account/tokens?done=%00",
    "/admin/users?q=%25%25&role=%00&page=1e3",
]


@pytest.fixture
def ids(db, employer_user, graduate_user, staff_user):
    from sqlmodel import select

    from placement.models import ApiToken, Placement

    position = factories.position(db, employer_user.employer.id, status="pending_review")
    credential = factories.credential(db, graduate_user.graduate.id, "camtc", verified=False)
    referral = factories.referral(db, position.id, graduate_user.graduate.id)
    placement = Placement(
        graduate_id=graduate_user.graduate.id, employer_name="Elsewhere", job_title="LMT"
    )
    token = ApiToken(user_id=staff_user.id, name="t", prefix="plc_x", token_hash="0" * 64)
    db.add(placement)
    db.add(token)
    db.commit()
    other = factories.user(db, role="graduate")
    assert db.exec(select(ApiToken)).first()
    return {
        "employer": employer_user.employer.id,
        "position": position.id,
        "graduate": graduate_user.graduate.id,
        "credential": credential.id,
        "referral": referral.id,
        "placement": placement.id,
        "token": token.id,
        "user": other.id,
    }


@pytest.mark.parametrize("data", JUNK, ids=["empty", "nul", "huge", "odd"])
def test_junk_posts_never_500(as_admin, ids, data):
    for path in POSTS:
        response = as_admin.submit(path.format(**ids), data)
        assert response.status_code < 500, (path, response.status_code)


def test_junk_uploads_never_500(as_admin):
    for content in (b"", b"\xff\xfe\x00\x00" * 100, b'"' * 5000, b"student_id\r" * 1000):
        response = as_admin.submit(
            "/staff/import/graduates", files={"roster": ("r.csv", content, "text/csv")}
        )
        assert response.status_code in (200, 422), content[:10]


def test_junk_queries_never_500(as_admin, ids):
    for path in GETS:
        response = as_admin.get(path.format(**ids))
        assert response.status_code < 500, (path, response.status_code)
