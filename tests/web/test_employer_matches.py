"""GET /employer/positions/{id}/matches and POST …/invitations: the eligible graduates who let
employers see them, ranked by the score the employer sees, and invitations to apply (at most
25 per position per day, one per graduate and position)."""

from __future__ import annotations

import re

import pytest
from sqlmodel import func, select

from placement.models import Invitation, Message
from placement.services import invitations as invitation_service
from tests import factories
from tests.burst import burst, tokens_for


@pytest.fixture
def position(db, employer_user):
    return factories.position(db, employer_user.employer.id)


def _visible(db, first_name: str, **fields):
    fields.setdefault("visibility", "employers")
    return factories.graduate(db, first_name=first_name, last_name="Match", **fields).graduate


def _matches(client, position) -> str:
    response = client.get(f"/employer/positions/{position.id}/matches")
    assert response.status_code == 200, response.text[:500]
    return response.text


class TestMatches:
    def test_it_lists_only_eligible_graduates_who_let_employers_see_them(
        self, as_employer, db, position
    ):
        shown = _visible(db, "Shown")
        _visible(db, "Staffonly", visibility="staff")
        _visible(db, "Private", visibility="private")
        _visible(db, "Faraway", zip="10001")  # New York: beyond the radius
        page = _matches(as_employer, position)
        assert "Shown Match" in page and f'id="graduate-{shown.id}"' in page
        for hidden in ("Staffonly", "Private", "Faraway"):
            assert hidden not in page

    def test_it_ranks_by_the_banded_score_with_banded_reasons(self, as_employer, db, position):
        _visible(db, "Low", clinical_hours=10)
        _visible(db, "High", clinical_hours=300)
        page = _matches(as_employer, position)
        assert page.index("High Match") < page.index("Low Match")
        assert "Clinical hours on the school record" in page
        assert "300 clinical hours" not in page

    def test_it_is_paginated(self, as_employer, db, position, monkeypatch):
        monkeypatch.setattr(invitation_service, "PAGE_SIZE", 2)
        for name in ("Ann", "Bea", "Cal"):
            _visible(db, name)
        first = _matches(as_employer, position)
        assert first.count('class="card candidate"') == 2 and "page=2" in first
        second = as_employer.get(f"/employer/positions/{position.id}/matches?page=2").text
        assert second.count('class="card candidate"') == 1
        assert (
            as_employer.get(f"/employer/positions/{position.id}/matches?page=x%00").status_code
            == 200
        )

    def test_another_employers_position_is_404(self, as_other_employer, position):
        response = as_other_employer.get(f"/employer/positions/{position.id}/matches")
        assert response.status_code == 404

    def test_a_position_not_yet_open_shows_nobody(self, as_employer, db, employer_user):
        draft = factories.position(db, employer_user.employer.id, status="draft")
        _visible(db, "Early")
        page = _matches(as_employer, draft)
        assert "Early" not in page and "not open" in page


def _invite(client, position, graduate_id, note="Please apply") -> object:
    return client.submit(
        f"/employer/positions/{position.id}/invitations",
        {"graduate_id": str(graduate_id), "note": note},
    )


def _count(db, **where) -> int:
    db.expire_all()
    query = select(func.count()).select_from(Invitation)
    for name, value in where.items():
        query = query.where(getattr(Invitation, name) == value)
    return db.exec(query).one()


class TestInvite:
    def test_it_invites_and_notifies_the_graduate(self, as_employer, db, position):
        person = _visible(db, "Ivy")
        response = _invite(as_employer, position, person.id)
        assert response.status_code == 303
        assert "done=invited_to_apply" in response.headers["location"]
        assert _count(db, graduate_id=person.id) == 1
        db.expire_all()
        mail = db.exec(select(Message).where(Message.kind == "invitation_to_apply")).one()
        assert mail.recipient_email == person.email
        assert "http://testserver/me/invitations" in mail.body
        assert "Invited" in _matches(as_employer, position)

    def test_one_invitation_per_graduate_and_position(self, as_employer, db, position):
        person = _visible(db, "Once")
        assert _invite(as_employer, position, person.id).status_code == 303
        again = _invite(as_employer, position, person.id)
        assert again.status_code == 303 and "already_invited" in again.headers["location"]
        assert _count(db) == 1

    @pytest.mark.parametrize("visibility", ["private", "staff"])
    def test_a_hidden_graduate_is_404(self, as_employer, db, position, visibility):
        person = _visible(db, "Hidden", visibility=visibility)
        assert _invite(as_employer, position, person.id).status_code == 404
        assert _invite(as_employer, position, 2**31 - 1).status_code == 404
        assert _count(db) == 0

    def test_a_graduate_who_turned_invitations_off_is_404(self, as_employer, db, position):
        person = _visible(db, "Quiet", accepts_invitations=False)
        assert _invite(as_employer, position, person.id).status_code == 404
        assert "Not taking invitations" in _matches(as_employer, position)

    def test_another_employers_position_is_404(self, as_other_employer, db, position):
        person = _visible(db, "Ivy")
        assert _invite(as_other_employer, position, person.id).status_code == 404

    def test_an_ineligible_graduate_is_refused_with_a_message(self, as_employer, db, position):
        person = _visible(db, "Far", zip="10001")
        response = _invite(as_employer, position, person.id)
        assert response.status_code == 422 and "requirements" in response.text

    @pytest.mark.parametrize("value", ["", "abc", "0", "-1", "99999999999999", "1\x00"])
    def test_a_bad_graduate_id_is_422(self, as_employer, position, value):
        assert _invite(as_employer, position, value).status_code == 422

    def test_a_long_note_is_422(self, as_employer, db, position):
        person = _visible(db, "Ivy")
        assert _invite(as_employer, position, person.id, note="x" * 2001).status_code == 422

    def test_the_26th_invitation_of_the_day_is_429(self, as_employer, db, position, monkeypatch):
        monkeypatch.setattr(invitation_service, "INVITATIONS_PER_DAY", 3)
        people = [_visible(db, f"P{i}") for i in range(4)]
        for person in people[:3]:
            assert _invite(as_employer, position, person.id).status_code == 303
        refused = _invite(as_employer, position, people[3].id)
        assert refused.status_code == 429 and int(refused.headers["retry-after"]) > 0
        assert "invitations for the day" in refused.text
        assert _count(db) == 3

    def test_a_burst_of_thirty_sends_exactly_twenty_five(
        self, make_client, db, position, employer_user
    ):
        people = [_visible(db, f"Burst{i:02d}") for i in range(30)]
        clients = [make_client() for _ in people]
        for client in clients:
            client.login(employer_user.user.email)
        tokens = tokens_for(clients)
        answers = burst(
            clients,
            lambda client, i: client.post(
                f"/employer/positions/{position.id}/invitations",
                data={"csrf_token": tokens[i], "graduate_id": str(people[i].id)},
            ),
        )
        codes = sorted(answer.status_code for answer in answers)
        assert codes == [303] * 25 + [429] * 5, codes
        assert _count(db) == invitation_service.INVITATIONS_PER_DAY

    def test_one_graduate_invited_ten_times_at_once_gets_one(
        self, make_client, db, position, employer_user
    ):
        person = _visible(db, "Popular")
        clients = [make_client() for _ in range(10)]
        for client in clients:
            client.login(employer_user.user.email)
        tokens = tokens_for(clients)
        answers = burst(
            clients,
            lambda client, i: client.post(
                f"/employer/positions/{position.id}/invitations",
                data={"csrf_token": tokens[i], "graduate_id": str(person.id)},
            ),
        )
        assert {answer.status_code for answer in answers} == {303}
        assert _count(db) == 1
        # The duplicates gave their hit back: 24 more invitations still fit today.
        assert invitation_service.sent_in_window(db, position.id) == 1


class TestGraduateSide:
    def _invited(self, db, as_employer, position, graduate):
        graduate.visibility = "employers"
        db.add(graduate)
        db.commit()
        assert _invite(as_employer, position, graduate.id).status_code == 303
        db.expire_all()
        return db.exec(select(Invitation)).one()

    def test_the_graduate_sees_it_and_applies_from_it(
        self, as_employer, as_graduate, db, position, graduate_user
    ):
        invitation = self._invited(db, as_employer, position, graduate_user.graduate)
        assert "1 invitation to apply" in as_graduate.get("/me").text
        page = as_graduate.get("/me/invitations").text
        assert "Medical massage therapist" in page and "Harbor Hospital" in page
        assert f'href="/positions/{position.id}/apply"' in page
        applied = as_graduate.submit(f"/positions/{position.id}/apply", {"cover_note": "Yes"})
        assert applied.status_code == 303
        assert "You applied" in as_graduate.get("/me/invitations").text
        assert invitation.id

    def test_the_graduate_declines(self, as_employer, as_graduate, db, position, graduate_user):
        invitation = self._invited(db, as_employer, position, graduate_user.graduate)
        response = as_graduate.submit(f"/me/invitations/{invitation.id}/decline")
        assert response.status_code == 303
        assert "Declined" in as_graduate.get("/me/invitations").text
        assert "declined" in _matches(as_employer, position)

    def test_another_graduates_invitation_is_404(
        self, as_employer, as_other_graduate, db, position, graduate_user
    ):
        invitation = self._invited(db, as_employer, position, graduate_user.graduate)
        response = as_other_graduate.submit(f"/me/invitations/{invitation.id}/decline")
        assert response.status_code == 404

    def test_the_graduate_turns_invitations_off_and_on(
        self, as_employer, as_graduate, db, position, graduate_user
    ):
        person = graduate_user.graduate
        person.visibility = "employers"
        db.add(person)
        db.commit()
        assert as_graduate.submit("/me/privacy", {"invitations": "off"}).status_code == 303
        assert re.search(r'value="off" checked', as_graduate.get("/me/privacy").text)
        assert _invite(as_employer, position, person.id).status_code == 404
        assert as_graduate.submit("/me/privacy", {"invitations": "on"}).status_code == 303
        assert _invite(as_employer, position, person.id).status_code == 303

    @pytest.mark.parametrize("value", ["", "maybe", "on\x00"])
    def test_a_bad_privacy_choice_is_422(self, as_graduate, value):
        assert as_graduate.submit("/me/privacy", {"invitations": value}).status_code == 422


class TestStaffSignal:
    def test_staff_see_invitation_counts_per_employer(
        self, as_employer, as_staff, db, position, employer_user
    ):
        for i in range(3):
            assert _invite(as_employer, position, _visible(db, f"S{i}").id).status_code == 303
        page = as_staff.get("/staff/employers?status=approved").text
        assert "Invitations to apply" in page
        assert re.search(r"3 in the last 24 hours", page)
        counts = invitation_service.counts_by_employer(db, [employer_user.employer.id])
        assert counts[employer_user.employer.id].last_day == 3
