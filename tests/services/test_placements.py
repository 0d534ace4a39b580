"""One placement is one placement (CONTRACT, Staff): one row per (graduate, position) or, without
a position, per (graduate, employer name ignoring case and spacing, job title, start date), on
SQLite and PostgreSQL, sequentially and under a burst of concurrent submits; a hire records it
unverified; it counts as placed from its start date on."""

from __future__ import annotations

import threading
from datetime import date, timedelta

from sqlalchemy import create_engine, text
from sqlmodel import Session, select

from placement import dates, migrate
from placement.models import Graduate, Placement
from placement.services import Actor, placements, reports
from tests import factories

STAFF = Actor(user_id=None, role="staff")
RECORD = {
    "employer_name": "Sunset Hills Hospice",
    "job_title": "Comfort-care massage therapist",
    "start_date": "2026-02-01",
    "hours_per_week": "24",
    "field": "in_field",
}


def _rows(db) -> list[Placement]:
    db.expire_all()
    return list(db.exec(select(Placement)).all())


def _record(db, graduate_id: int, **changes):
    values = {
        "employer_name": "Sunset Hills Hospice",
        "job_title": "Comfort-care massage therapist",
        "start_date": date(2026, 2, 1),
        "hours_per_week": 24,
        "field": "in_field",
        **changes,
    }
    return placements.record_placement(db, STAFF, graduate_id=graduate_id, **values)


class TestTheService:
    def test_the_same_position_twice_is_one_placement(self, db, graduate_user, employer_user):
        position = factories.position(db, employer_user.employer.id)
        first, created = _record(db, graduate_user.graduate.id, position_id=position.id)
        again, created_again = _record(
            db, graduate_user.graduate.id, position_id=position.id, job_title="Other words"
        )
        db.commit()
        assert (created, created_again) == (True, False)
        assert again.id == first.id
        assert len(_rows(db)) == 1

    def test_without_a_position_case_and_spacing_of_the_employer_do_not_count(
        self, db, graduate_user
    ):
        _record(db, graduate_user.graduate.id)
        same, created = _record(
            db, graduate_user.graduate.id, employer_name="  sunset   HILLS hospice "
        )
        assert not created
        _, other_date = _record(db, graduate_user.graduate.id, start_date=date(2026, 3, 1))
        _, other_title = _record(db, graduate_user.graduate.id, job_title="Spa therapist")
        db.commit()
        assert other_date and other_title
        assert len(_rows(db)) == 3

    def test_a_hire_records_the_placement_unverified(self, db, graduate_user, employer_user):
        from placement.services import pipeline

        position = factories.position(db, employer_user.employer.id, title="Inpatient LMT")
        application = factories.application(
            db, position.id, graduate_user.graduate.id, stage="offer"
        )
        result = pipeline.move_stage(
            db,
            _settings(),
            employer_id=employer_user.employer.id,
            actor=Actor(user_id=employer_user.user.id, role="employer"),
            application_id=application.id,
            to_stage="hired",
        )
        db.commit()
        assert result.placement is not None
        (row,) = _rows(db)
        assert row.verified_at is None and row.verification_method is None
        assert row.application_id == application.id

    def test_a_hire_after_staff_recorded_the_job_leads_to_that_placement(
        self, db, graduate_user, employer_user
    ):
        from placement.services import pipeline

        position = factories.position(db, employer_user.employer.id)
        recorded, _ = _record(db, graduate_user.graduate.id, position_id=position.id)
        db.commit()
        application = factories.application(
            db, position.id, graduate_user.graduate.id, stage="offer"
        )
        result = pipeline.move_stage(
            db,
            _settings(),
            employer_id=employer_user.employer.id,
            actor=Actor(user_id=employer_user.user.id, role="employer"),
            application_id=application.id,
            to_stage="hired",
        )
        db.commit()
        assert result.placement is not None and result.placement.id == recorded.id
        (row,) = _rows(db)
        assert row.application_id == application.id


def _settings():
    from placement.config import Settings

    return Settings(database_url="sqlite://", environment="test")


class TestTheRoute:
    def test_a_double_submit_leads_to_the_existing_placement(self, as_staff, db, graduate_user):
        data = {**RECORD, "graduate_id": graduate_user.graduate.id}
        first = as_staff.submit("/staff/placements", data)
        second = as_staff.submit(
            "/staff/placements", {**data, "employer_name": "SUNSET HILLS  HOSPICE"}
        )
        assert (first.status_code, second.status_code) == (303, 303)
        assert second.headers["location"].startswith(
            f"/staff/graduates/{graduate_user.graduate.id}"
        )
        assert len(_rows(db)) == 1

    def test_a_burst_of_concurrent_submits_gives_one_row(
        self, make_client, db, staff_user, graduate_user, employer_user
    ):
        position = factories.position(db, employer_user.employer.id)
        clients = [make_client() for _ in range(6)]
        for client in clients:
            client.login(staff_user.email)
        tokens = [client.csrf_token() for client in clients]
        barrier = threading.Barrier(len(clients))
        answers: list[int] = []
        data = {**RECORD, "graduate_id": graduate_user.graduate.id}

        def submit(client, token: str, extra: dict) -> None:
            barrier.wait()
            response = client.post("/staff/placements", data={"csrf_token": token, **data, **extra})
            answers.append(response.status_code)

        # Three with the position, three without: two placements, never more.
        extras = [{"position_id": str(position.id)}] * 3 + [{}] * 3
        threads = [
            threading.Thread(target=submit, args=(client, token, extra))
            for client, token, extra in zip(clients, tokens, extras, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert answers == [303] * 6
        rows = _rows(db)
        assert len(rows) == 2
        assert sorted(str(row.position_id) for row in rows) == sorted([str(position.id), "None"])


class TestCountsFromTheStartDate:
    def test_a_placement_ahead_counts_as_not_placed_until_it_starts(self, db):
        person = factories.graduate(db, first_name="Fay", cohort=2025, with_account=False)
        start = dates.today() + timedelta(days=30)
        _record(db, person.graduate.id, start_date=start)
        db.commit()
        (row,) = reports.outcome_rows(db, cohort=2025)
        assert (row.placed_in_field, row.not_placed, row.unknown) == (0, 1, 0)
        (later,) = reports.outcome_rows(db, cohort=2025, today=start)
        assert (later.placed_in_field, later.not_placed) == (1, 0)

    def test_an_earlier_placement_counts_while_a_later_one_waits(self, db):
        person = factories.graduate(db, first_name="Gil", cohort=2025, with_account=False)
        _record(db, person.graduate.id, start_date=dates.today() - timedelta(days=90))
        _record(
            db,
            person.graduate.id,
            start_date=dates.today() + timedelta(days=10),
            field="out_of_field",
            job_title="Barista",
        )
        db.commit()
        (row,) = reports.outcome_rows(db, cohort=2025)
        assert (row.placed_in_field, row.placed_out_of_field) == (1, 0)


def test_the_migration_keeps_existing_duplicates(tmp_path):
    """Duplicates recorded before the rule do not stop the upgrade: the first keeps the key."""
    from alembic import command

    url = f"sqlite:///{tmp_path / 'dups.db'}"
    engine = create_engine(url)
    config = migrate.alembic_config(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "cdc4a4c5a16d")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO graduate (id, first_name, last_name, email, visibility, seeking,"
                " outcome_status, training_hours, clinical_hours, travel_radius_miles, version,"
                " settings, employment_types, availability, bio, outcome_note, created_at,"
                " updated_at, program)"
                " VALUES (1, 'A', 'B', 'a@example.com', 'staff', 'seeking', 'placed', 0, 0, 25,"
                " 1, '', '', '', '', '', '2026-01-01', '2026-01-01', 'p')"
            )
        )
        for _ in range(2):
            connection.execute(
                text(
                    "INSERT INTO placement (graduate_id, employer_name, job_title, start_date,"
                    " field, verification_note, created_at)"
                    " VALUES (1, 'Sunset', 'LMT', '2026-02-01', 'in_field', '', '2026-01-01')"
                )
            )
    engine.dispose()
    engine = create_engine(url)
    migrate.upgrade(engine)
    with Session(engine) as session:
        keys = [row.dedupe_key for row in session.exec(select(Placement).order_by(Placement.id))]
        assert keys[0] is not None and keys[1] is None
        assert session.get(Graduate, 1) is not None
    engine.dispose()
