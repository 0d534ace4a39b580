"""Full-text search with the field's vocabulary, on SQLite (FTS5) and PostgreSQL (tsvector)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from alembic import command
from sqlalchemy import func, select, text

from placement import dates, migrate
from placement.db import make_engine, unit_of_work
from placement.models import Position
from placement.services import (
    Actor,
    NotFound,
    applications,
    approvals,
    employers,
    matching,
    search,
    visibility,
)
from placement.services import positions as service
from placement.services.positions import SearchFilters
from tests import factories
from tests.conftest import BACKEND, create_postgres_database, drop_postgres_database
from tests.services.test_positions import make_input, save

TODAY = dates.today()


def found(db, q: str, **filters) -> list[int]:
    return [card.id for card in service.search_positions(db, SearchFilters(q=q, **filters)).cards]


class TestVocabulary:
    @pytest.mark.parametrize(
        "q",
        [
            "lymphatic",
            "MLD",
            "manual lymphatic drainage",
            "Manual Lymphatic Drainage",
            "manual_lymphatic_drainage",
            "lymph",
        ],
    )
    def test_it_finds_a_position_requiring_mld_by_label_code_or_synonym(self, db, employer_user, q):
        employer_id = employer_user.employer.id
        wanted = factories.position(
            db,
            employer_id,
            title="Massage therapist",
            description="Inpatient work.",
            required_modalities=("manual_lymphatic_drainage",),
        )
        factories.position(db, employer_id, title="Sports massage", description="Runners.")
        assert found(db, q) == [wanted.id]

    def test_it_finds_preferred_modalities_and_credentials_too(self, db, employer_user):
        employer_id = employer_user.employer.id
        prefers = factories.position(
            db, employer_id, description="Ward work.", preferred_modalities=("craniosacral",)
        )
        certified = factories.position(
            db, employer_id, description="Ward work.", required_credentials=("clt_lymphedema",)
        )
        assert found(db, "craniosacral") == [prefers.id]
        assert found(db, "CST") == [prefers.id]
        assert found(db, "CLT") == [certified.id]
        assert found(db, "certified lymphedema therapist") == [certified.id]

    def test_every_word_must_match(self, db, employer_user):
        employer_id = employer_user.employer.id
        both = factories.position(
            db, employer_id, title="Oncology therapist", required_modalities=("geriatric",)
        )
        factories.position(db, employer_id, title="Oncology therapist", description="Ward.")
        assert found(db, "oncology geriatric") == [both.id]


class TestRanking:
    def test_it_ranks_a_title_match_above_a_description_match(self, db, employer_user):
        employer_id = employer_user.employer.id
        in_title = factories.position(
            db, employer_id, title="Hospice massage therapist", description="Comfort."
        )
        in_text = factories.position(
            db, employer_id, title="Therapist", description="Some shifts at the hospice wing."
        )
        # The description match is newer; relevance still puts the title match first.
        assert in_text.id > in_title.id
        assert found(db, "hospice") == [in_title.id, in_text.id]

    def test_it_lists_newest_first_without_a_query(self, db, employer_user):
        employer_id = employer_user.employer.id
        made = [factories.position(db, employer_id, title=f"Therapist {n}") for n in range(3)]
        assert found(db, "") == [p.id for p in reversed(made)]

    def test_a_text_search_near_a_zip_stays_nearest_first(self, db, employer_user):
        employer_id = employer_user.employer.id
        far = factories.position(db, employer_id, title="Hospice therapist", zip="92602")
        near = factories.position(db, employer_id, title="Hospice therapist", zip="90012")
        factories.position(db, employer_id, title="Sports massage", zip="90012")
        assert found(db, "hospice", zip="90012", radius=100) == [near.id, far.id]


class TestKeptInStep:
    def test_an_edit_rewrites_the_document(self, db, employer_user):
        employer_id, user_id = employer_user.employer.id, employer_user.user.id
        position = save(db, employer_id, user_id, make_input(title="Oncology massage therapist"))
        db.execute(text("UPDATE position SET status = 'open' WHERE id = :id"), {"id": position.id})
        db.commit()
        assert found(db, "oncology") == [position.id]
        edited = make_input(
            title="Geriatric massage therapist",
            description="Long-term care.",
            required_modalities=("geriatric",),
            preferred_modalities=("myofascial_release",),
        )
        save(
            db,
            employer_id,
            user_id,
            edited,
            position_id=position.id,
            version=db.get(Position, position.id).version,
        )
        db.execute(text("UPDATE position SET status = 'open' WHERE id = :id"), {"id": position.id})
        db.commit()
        assert found(db, "oncology") == []
        assert found(db, "geriatric") == [position.id]
        assert found(db, "MFR") == [position.id]

    def test_a_renamed_employer_is_found_by_its_new_name(self, db, employer_user, settings):
        employer = employer_user.employer
        position = factories.position(db, employer.id, title="Therapist", description="Ward.")
        employers.update_organization(
            db,
            employer_id=employer.id,
            actor=Actor(user_id=employer_user.user.id, role="employer"),
            data=employers.OrganizationInput(
                name="Seaside Rehabilitation Institute",
                kind=employer.kind,
                zip=employer.zip,
                website=employer.website,
                phone="",
                npi=None,
            ),
        )
        db.commit()
        # Approved organisation: the new name waits for staff, the search keeps the old one.
        assert found(db, "seaside") == []
        assert found(db, "harbor") == [position.id]
        approvals.review_held_change(
            db,
            settings,
            Actor(user_id=None, role="staff"),
            employer_id=employer.id,
            action="approve",
        )
        db.commit()
        assert found(db, "seaside") == [position.id]
        assert found(db, "harbor") == []


HOSTILE = [
    '"',
    '""',
    "'",
    'lymph"atic',
    "NEAR(lymphatic drainage)",
    "lymphatic AND NOT drainage",
    "lymphatic OR",
    "title:lymphatic",
    "-lymphatic",
    "^lymphatic",
    "lymph*",
    "*",
    "(",
    ")",
    "{title}: x",
    "a & b | !c",
    "x:* & y:*",
    "<->",
    "'' OR 1=1 --",
    "\\",
    "%_",
    "a\x00b",
    "\x00",
    "²³",
    "李明 CV",
    "ü" * 200,
    "x" * 20_000,
    " ".join(["word"] * 5000),
]


class TestHostileQueries:
    @pytest.mark.parametrize("q", HOSTILE)
    def test_the_service_never_fails(self, db, employer_user, q):
        factories.position(db, employer_user.employer.id, title="Lymphatic drainage therapist")
        page = service.search_positions(db, SearchFilters(q=q))
        assert page.total >= 0

    @pytest.mark.parametrize("q", HOSTILE)
    def test_the_page_never_fails(self, client, db, employer_user, q):
        factories.position(db, employer_user.employer.id, title="Lymphatic drainage therapist")
        response = client.get("/positions", params={"q": q})
        assert response.status_code in (200, 422), response.text[:500]

    def test_operators_are_words_not_syntax(self, db, employer_user):
        position = factories.position(
            db, employer_user.employer.id, title="Lymphatic drainage therapist"
        )
        assert found(db, "lymphatic OR sports") == []  # OR is a word, so both must match
        assert found(db, '"lymphatic" drainage*') == [position.id]
        assert found(db, "NEAR(lymphatic drainage)") == []


class TestOnePublicPredicate:
    def test_every_reader_agrees_on_what_is_public(self, db, employer_user):
        employer_id = employer_user.employer.id
        public = [
            factories.position(db, employer_id),
            factories.position(db, employer_id, closes_on=None),
            factories.position(db, employer_id, closes_on=TODAY),
        ]
        hidden = [
            factories.position(db, employer_id, status=status)
            for status in ("draft", "pending_review", "closed", "filled", "expired", "rejected")
        ]
        hidden.append(factories.position(db, employer_id, closes_on=TODAY - timedelta(days=1)))
        for status in ("pending", "rejected", "suspended"):
            other = factories.employer(db, status=status)
            hidden.append(factories.position(db, other.employer.id))
        expected = {p.id for p in public}
        listed = {c.id for c in service.search_positions(db, SearchFilters()).cards}
        assert listed == expected
        assert set(matching.public_position_ids(db)) == expected
        for position in public + hidden:
            readers = []
            for reader in (service.public_position, applications.public_position):
                try:
                    reader(db, position.id)
                    readers.append(True)
                except NotFound:
                    readers.append(False)
            assert readers == [position.id in expected] * 2, position.id
        count = db.execute(
            select(func.count()).select_from(Position).where(visibility.public_position(TODAY))
        ).scalar_one()
        assert count == len(expected)


class TestMigration:
    """The revision that adds the search fills it for the positions already there."""

    @staticmethod
    def _before_search() -> str:
        from alembic.script import ScriptDirectory

        script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
        down = script.get_revision("3f1c2a7d9e10").down_revision
        assert isinstance(down, str)
        return down

    def _fill_and_search(self, url: str) -> None:
        engine = make_engine(url)
        try:
            config = migrate.alembic_config(url)
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, self._before_search())
            with engine.begin() as connection:
                connection.execute(
                    text(
                        "INSERT INTO employer (name, kind, zip, website, phone, status, "
                        "status_reason, created_at) VALUES ('Harbor Hospital', 'hospital', "
                        "'90012', '', '', 'approved', '', CURRENT_TIMESTAMP)"
                    )
                )
                connection.execute(
                    text(
                        "INSERT INTO position (employer_id, title, description, setting, "
                        "employment_type, zip, openings, min_training_hours, shifts, status, "
                        "status_reason, version, created_at, updated_at) VALUES (1, "
                        "'Therapist', 'Ward work', 'hospital', 'full_time', '90012', 1, 0, '', "
                        "'open', '', 1, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                    )
                )
                connection.execute(
                    text(
                        "INSERT INTO position_requirement (position_id, kind, code, required) "
                        "VALUES (1, 'modality', 'manual_lymphatic_drainage', TRUE)"
                    )
                )
            migrate.upgrade(engine)
            with unit_of_work(engine, write=False) as db:
                assert found(db, "MLD") == [1]
                assert found(db, "harbor") == [1]
        finally:
            engine.dispose()

    def test_it_fills_existing_rows(self, tmp_path):
        if BACKEND == "postgres":
            url = create_postgres_database("placement_search_migration")
            try:
                self._fill_and_search(url)
            finally:
                drop_postgres_database(url)
        else:
            self._fill_and_search(f"sqlite:///{tmp_path / 'old.db'}")


def test_match_query_keeps_only_words():
    assert search.match_query("sqlite", 'a "b" NEAR(c) d*') == '"a"* "b"* "near"* "c"* "d"*'
    assert search.match_query("postgresql", "a & !b") == "a:* & b:*"
    assert search.match_query("sqlite", "\"' ()*:^") is None
    many = " ".join(f"w{index}" for index in range(100))
    assert len(search.terms(many)) == search.MAX_TERMS


def test_a_repeated_word_or_a_prefix_of_another_asks_nothing_more():
    assert search.terms("E e e " * 30) == ["e"]
    assert search.terms("lymph lymphatic drainage dra") == ["lymphatic", "drainage"]
    assert search.match_query("sqlite", "onc oncology Oncology") == '"oncology"*'
