"""Saved searches: POST /me/searches (`query`, `name`), GET /me/searches, POST …/delete; open
positions newly matching one go into the graduate's mail through the digest per
`email_frequency`, each position once; an invalid query is refused with a message."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import func, select

from placement.models import MailStatus, Message, SavedSearch, User, utcnow
from placement.services import digests, saved_searches
from tests import factories


def _save(client, query, name="Mine"):
    return client.submit("/me/searches", {"query": query, "name": name})


def _saved(db) -> list[SavedSearch]:
    db.expire_all()
    return list(db.exec(select(SavedSearch)))


def _match_mail(db, email) -> list[Message]:
    db.expire_all()
    return list(
        db.exec(
            select(Message).where(
                Message.kind == "saved_search.match", Message.recipient_email == email
            )
        )
    )


class TestSaving:
    def test_it_saves_a_search_in_the_searchs_own_terms(self, as_graduate, db):
        response = _save(as_graduate, "?modality=MLD&zip=90012&radius=25&page=3", "Lymph")
        assert response.status_code == 303
        [row] = _saved(db)
        assert row.query == "modality=manual_lymphatic_drainage&zip=90012&radius=25"
        page = as_graduate.get("/me/searches").text
        assert "Lymph" in page and "manual_lymphatic_drainage" in page

    def test_the_same_query_twice_is_one_search(self, as_graduate, db):
        _save(as_graduate, "setting=hospice", "A")
        _save(as_graduate, "/positions?setting=hospice", "B")
        [row] = _saved(db)
        assert row.name == "B"

    @pytest.mark.parametrize(
        ("query", "message"),
        [
            ("zip=99999", "not a US ZIP code we know"),
            ("modality=juggling", "We do not know the modality"),
            ("radius=0&zip=90012", "Enter a distance"),
            ("colour=blue", "not &#39;colour&#39;"),
            ("", "This field is required"),
            ("page=2", "Choose at least one filter"),
            ("q=" + "x" * 200, "at most 100 characters"),
        ],
    )
    def test_an_invalid_query_is_refused_with_a_message(self, as_graduate, db, query, message):
        response = _save(as_graduate, query)
        assert response.status_code == 422
        assert message in response.text
        assert _saved(db) == []

    def test_it_is_deleted_and_only_by_its_owner(self, as_graduate, as_other_graduate, db):
        _save(as_graduate, "setting=hospice")
        [row] = _saved(db)
        assert as_other_graduate.submit(f"/me/searches/{row.id}/delete").status_code == 404
        assert as_graduate.submit(f"/me/searches/{row.id}/delete").status_code == 303
        assert _saved(db) == []

    def test_the_search_page_offers_to_save_it(self, as_graduate, client):
        page = as_graduate.get("/positions?setting=hospice").text
        assert 'name="query" value="setting=hospice"' in page
        assert "Save this search" not in client.get("/positions?setting=hospice").text

    def test_there_is_a_limit(self, as_graduate, db, monkeypatch):
        monkeypatch.setattr(saved_searches, "MAX_PER_GRADUATE", 1)
        assert _save(as_graduate, "setting=hospice").status_code == 303
        refused = _save(as_graduate, "setting=hospital")
        assert refused.status_code == 422 and "delete one" in refused.text


class TestNewMatches:
    @pytest.fixture
    def saved(self, db, graduate_user):
        row = SavedSearch(
            graduate_id=graduate_user.graduate.id,
            name="Hospitals",
            query="setting=hospital",
            created_at=utcnow() - timedelta(minutes=5),
        )
        db.add(row)
        db.commit()
        return row

    def test_a_new_position_is_mailed_once(self, db, settings, saved, graduate_user, employer_user):
        position = factories.position(db, employer_user.employer.id, title="Night nurse massage")
        factories.position(db, employer_user.employer.id, setting="hospice", title="Hospice")
        assert saved_searches.send_matches(db, settings) == 1
        db.commit()
        assert saved_searches.send_matches(db, settings) == 0
        db.commit()
        [mail] = _match_mail(db, graduate_user.user.email)
        assert "Night nurse massage" in mail.body and "Hospice" not in mail.body
        assert f"http://testserver/positions/{position.id}" in mail.body

    def test_a_position_matching_two_searches_is_mailed_once(
        self, db, settings, saved, graduate_user, employer_user
    ):
        db.add(
            SavedSearch(
                graduate_id=graduate_user.graduate.id,
                name="Near",
                query="zip=90012",
                created_at=utcnow() - timedelta(minutes=5),
            )
        )
        db.commit()
        factories.position(db, employer_user.employer.id)
        assert saved_searches.send_matches(db, settings) == 1
        db.commit()
        assert len(_match_mail(db, graduate_user.user.email)) == 1

    def test_positions_older_than_the_search_are_not_news(
        self, db, settings, graduate_user, employer_user
    ):
        factories.position(db, employer_user.employer.id)
        db.add(
            SavedSearch(
                graduate_id=graduate_user.graduate.id,
                name="Later",
                query="setting=hospital",
                created_at=utcnow() + timedelta(seconds=1),
            )
        )
        db.commit()
        assert saved_searches.send_matches(db, settings) == 0

    def test_with_a_daily_digest_the_match_waits_for_the_digest(
        self, db, settings, saved, graduate_user, employer_user
    ):
        user = db.get(User, graduate_user.user.id)
        user.email_frequency = "daily"
        db.add(user)
        db.commit()
        factories.position(db, employer_user.employer.id, title="Digest me")
        saved_searches.send_matches(db, settings)
        db.commit()
        [held] = _match_mail(db, user.email)
        assert held.status == MailStatus.HELD
        assert digests.send_digest(db, settings, user.id, "daily:test") == 1
        db.commit()
        db.expire_all()
        digest = db.exec(select(Message).where(Message.kind == "digest")).one()
        assert "Digest me" in digest.body

    def test_a_deleted_graduate_is_not_mailed(
        self, db, settings, saved, graduate_user, employer_user
    ):
        graduate_user.graduate.deleted_at = utcnow()
        db.add(graduate_user.graduate)
        db.commit()
        factories.position(db, employer_user.employer.id)
        assert saved_searches.send_matches(db, settings) == 0
        db.expire_all()
        assert db.exec(select(func.count()).select_from(Message)).one() == 0
