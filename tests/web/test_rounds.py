"""Placement rounds: /staff/rounds pages, services.rounds and `placement match-round`."""

from __future__ import annotations

import html
import json
from datetime import timedelta

import pytest
from sqlmodel import Session, func, select

from placement import cli, dates
from placement.models import AuditEvent, Graduate, MatchAssignment, MatchRound, Referral
from placement.services import rounds
from tests import factories


def _graduate(db: Session, first_name: str, *, bls: bool = True, **fields) -> Graduate:
    person = factories.graduate(db, first_name=first_name, last_name="Tester", **fields).graduate
    if bls:
        factories.credential(db, person.id, "bls_cpr", expires_on=dates.today() + timedelta(400))
    return person


@pytest.fixture
def population(db: Session, employer_user, other_employer_user):
    """Two positions with three openings; three eligible graduates, one lacking BLS/CPR,
    and some who never enter a round (private, unverified, not seeking)."""
    harbor = factories.position(
        db, employer_user.employer.id, title="Oncology therapist", required_credentials=("bls_cpr",)
    )
    valley = factories.position(
        db,
        other_employer_user.employer.id,
        title="Rehab therapist",
        openings=2,
        required_credentials=("bls_cpr",),
    )
    return {
        "harbor": harbor,
        "valley": valley,
        "ana": _graduate(db, "Ana"),
        "ben": _graduate(db, "Ben", clinical_hours=250),
        "cy": _graduate(db, "Cy", settings="rehabilitation_center"),
        "dee": _graduate(db, "Dee", bls=False),
        "private": _graduate(db, "Private", visibility="private"),
        "unverified": _graduate(db, "Unverified", verified=False),
        "placed": _graduate(db, "Placed", seeking="placed"),
    }


def _preview(client, algorithm: str = "stable") -> int:
    response = client.submit("/staff/rounds", {"algorithm": algorithm})
    assert response.status_code == 303, response.text
    return int(response.headers["location"].rsplit("/", 1)[1])


def _referrals(db: Session) -> list[tuple[int, int]]:
    db.expire_all()
    return sorted(db.exec(select(Referral.position_id, Referral.graduate_id)).all())


class TestRoundsPage:
    def test_it_shows_an_empty_state_and_the_form(self, as_staff):
        page = as_staff.get("/staff/rounds").text
        assert "No rounds yet" in page
        assert 'action="/staff/rounds"' in page
        assert 'name="algorithm" value="stable"' in page
        assert 'name="algorithm" value="optimal"' in page

    @pytest.mark.parametrize("algorithm", ["stable", "optimal"])
    def test_posting_previews_a_round_and_stores_its_assignments(
        self, db, as_staff, population, algorithm
    ):
        round_id = _preview(as_staff, algorithm)
        db.expire_all()
        match_round = db.get(MatchRound, round_id)
        assert (match_round.status, match_round.algorithm) == ("preview", algorithm)
        assignments = db.exec(
            select(MatchAssignment).where(MatchAssignment.round_id == round_id)
        ).all()
        assigned = {a.graduate_id for a in assignments}
        p = population
        assert assigned == {p["ana"].id, p["ben"].id, p["cy"].id}
        for a in assignments:
            reasons = json.loads(a.reasons)
            assert a.score == pytest.approx(sum(r["points"] for r in reasons))
        summary = json.loads(match_round.summary)
        assert summary["graduates"] == 4  # private, unverified and placed stay out
        assert summary["openings"] == 3
        assert summary["unmatched"][0]["graduate_id"] == p["dee"].id
        assert _referrals(db) == []  # a preview sends nothing
        listing = as_staff.get("/staff/rounds").text
        assert f'href="/staff/rounds/{round_id}"' in listing

    def test_an_unknown_algorithm_is_refused_with_the_form_again(self, db, as_staff):
        response = as_staff.submit("/staff/rounds", {"algorithm": "greedy"})
        assert response.status_code == 422
        assert "Choose one of the options offered" in response.text
        assert db.exec(select(func.count()).select_from(MatchRound)).one() == 0

    @pytest.mark.parametrize("persona", ["as_graduate", "as_employer"])
    def test_it_is_for_staff_only(self, request, persona):
        client = request.getfixturevalue(persona)
        assert client.get("/staff/rounds").status_code == 403
        assert client.submit("/staff/rounds", {"algorithm": "stable"}).status_code == 403


class TestRoundDetail:
    def test_it_shows_each_assignment_and_who_stays_unmatched_and_why(self, as_staff, population):
        round_id = _preview(as_staff)
        page = html.unescape(as_staff.get(f"/staff/rounds/{round_id}").text)
        for name in ("Ana Tester", "Ben Tester", "Cy Tester"):
            assert name in page
        assert "Oncology therapist" in page and "Rehab therapist" in page
        assert "Harbor Hospital" in page
        assert "Distance" in page  # reasons
        unmatched = page[page.index("Unmatched graduates") :]
        assert "Dee Tester" in unmatched
        assert "No eligible position" in unmatched
        assert "No BLS/CPR on file" in unmatched
        assert "Private Tester" not in page
        assert f'action="/staff/rounds/{round_id}/publish"' in page

    def test_a_full_position_leaves_graduates_unmatched_for_want_of_openings(
        self, db, as_staff, employer_user
    ):
        only = factories.position(db, employer_user.employer.id, title="Only one")
        hired = _graduate(db, "Hired", seeking="placed")
        factories.application(db, only.id, hired.id, stage="hired")
        waiting = _graduate(db, "Waiting")
        round_id = _preview(as_staff)
        detail = rounds.round_detail(db, round_id)
        assert detail.assignments == []
        assert [(u.graduate_id, u.reason) for u in detail.unmatched] == [
            (waiting.id, "no eligible position has an opening left")
        ]
        assert detail.summary["openings"] == 0

    def test_it_answers_404_for_an_unknown_round(self, as_staff):
        assert as_staff.get("/staff/rounds/999").status_code == 404


class TestPublish:
    def test_publishing_creates_each_referral_once(self, db, as_staff, staff_user, population):
        round_id = _preview(as_staff)
        response = as_staff.submit(f"/staff/rounds/{round_id}/publish")
        assert response.status_code == 303
        assert response.headers["location"] == f"/staff/rounds/{round_id}?done=published&detail=3"
        pairs = _referrals(db)
        assert len(pairs) == 3 and len(set(pairs)) == 3
        referrals = db.exec(select(Referral)).all()
        assert {r.round_id for r in referrals} == {round_id}
        assert {r.staff_user_id for r in referrals} == {staff_user.id}
        page = as_staff.get(response.headers["location"]).text
        assert "Round published: 3 referrals created." in page
        assert "/publish" not in page

        again = as_staff.submit(f"/staff/rounds/{round_id}/publish")
        assert again.headers["location"] == f"/staff/rounds/{round_id}?done=published_none"
        assert _referrals(db) == pairs
        events = db.exec(select(AuditEvent).where(AuditEvent.action == "round.published")).all()
        assert len(events) == 1 and events[0].object_id == round_id

    def test_a_second_round_over_the_same_pairs_adds_no_duplicates(self, db, as_staff, population):
        first = _preview(as_staff)
        as_staff.submit(f"/staff/rounds/{first}/publish")
        pairs = _referrals(db)
        second = _preview(as_staff)
        response = as_staff.submit(f"/staff/rounds/{second}/publish")
        assert response.headers["location"].endswith("?done=published_none")
        assert _referrals(db) == pairs

    def test_publishing_an_unknown_round_answers_404(self, as_staff):
        assert as_staff.submit("/staff/rounds/999/publish").status_code == 404

    def test_it_is_for_staff_only(self, db, as_staff, as_employer, population):
        round_id = _preview(as_staff)
        assert as_employer.submit(f"/staff/rounds/{round_id}/publish").status_code == 403
        assert _referrals(db) == []


class TestMatchRoundCommand:
    @pytest.fixture
    def cli_env(self, settings, monkeypatch, tmp_path):
        monkeypatch.setenv("DATABASE_URL", settings.database_url)
        monkeypatch.setenv("PLACEMENT_ENV", "test")
        monkeypatch.setenv("SECRET_KEY", "k" * 40)
        monkeypatch.setenv("MAIL_DIR", str(tmp_path / "cli-mail"))

    def test_a_dry_run_prints_the_plan_and_stores_nothing(self, db, cli_env, population, capsys):
        assert cli.main(["match-round", "--dry-run"]) == 0
        out = capsys.readouterr().out
        assert "dry run" in out
        assert "Assigned: 3" in out
        assert "Ana Tester -> " in out
        assert "Dee Tester: no eligible position (closest lacks: No BLS/CPR on file)" in out
        assert db.exec(select(func.count()).select_from(MatchRound)).one() == 0
        assert _referrals(db) == []

    def test_publish_creates_the_referrals_once(self, db, cli_env, population, capsys):
        assert cli.main(["match-round", "--publish", "--algorithm", "optimal"]) == 0
        out = capsys.readouterr().out
        assert "published" in out and "Referrals created: 3." in out
        pairs = _referrals(db)
        assert len(pairs) == 3
        assert cli.main(["match-round", "--publish", "--algorithm", "optimal"]) == 0
        assert "Referrals created: 0." in capsys.readouterr().out
        assert _referrals(db) == pairs
        db.expire_all()
        assert set(db.exec(select(MatchRound.status)).all()) == {"published"}


@pytest.mark.parametrize(
    "url", ["/staff/rounds/99999999999999999999", "/staff/positions/99999999999999999999/matches"]
)
def test_ids_beyond_the_database_range_answer_404(as_staff, url):
    assert as_staff.get(url).status_code == 404
    if "rounds" in url:
        assert as_staff.submit(url + "/publish").status_code == 404


def test_a_round_over_nobody_says_so(as_staff):
    round_id = _preview(as_staff)
    page = as_staff.get(f"/staff/rounds/{round_id}").text
    assert "Nobody was in this round" in page
    assert "No assignments" in page
