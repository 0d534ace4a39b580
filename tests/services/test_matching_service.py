"""services.matching: records loaded in bulk, the per-process index kept fresh by the change log."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from sqlalchemy import event
from sqlmodel import Session

from placement import dates
from placement.matching import score
from placement.matching.records import NO_EXPIRY_DAY, expiry_day
from placement.models import Change, Graduate, GraduateCredential, Position
from placement.services import NotFound, changes
from placement.services import matching as service
from tests import factories


@pytest.fixture
def harbor(db: Session, employer_user):
    return factories.position(
        db,
        employer_user.employer.id,
        preferred_modalities=("manual_lymphatic_drainage", "oncology"),
        required_credentials=("bls_cpr",),
    )


def _graduate(db: Session, first_name: str, *, bls: bool = True, **fields):
    person = factories.graduate(db, first_name=first_name, **fields).graduate
    if bls:
        factories.credential(db, person.id, "bls_cpr", expires_on=dates.today() + timedelta(400))
    return person


def _count_queries(db: Session):
    statements: list[str] = []

    def before(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", before)
    return statements, lambda: event.remove(engine, "before_cursor_execute", before)


class TestLoadGraduates:
    def test_it_builds_records_from_rows_in_three_queries(self, db):
        people = [_graduate(db, f"G{i}") for i in range(5)]
        factories.modality(db, people[0].id, "oncology", 3)
        factories.modality(db, people[0].id, "swedish", 0)
        statements, stop = _count_queries(db)
        try:
            records = service.load_graduates(db)
        finally:
            stop()
        assert len(statements) == 3
        first = records[people[0].id]
        assert first.verified and first.seeking and first.visibility == "staff"
        assert first.modalities == {"oncology": 3}
        assert first.availability == frozenset({"mon-am", "tue-am", "wed-am", "thu-am", "fri-am"})
        assert [c.code for c in first.credentials] == ["bls_cpr"]
        assert first.credentials[0].verified is True

    def test_it_reads_expiries_as_the_day_numbers_of_the_records(self, db):
        """The query computes records.expiry_day itself, on SQLite and on PostgreSQL: the
        index reads numbers, and every date (and no date) comes back as it was written."""
        person = _graduate(db, "Days", bls=False)
        written = {
            "bls_cpr": date.min,
            "camtc": date(1969, 12, 31),
            "first_aid": date(1970, 1, 1),
            "tb_test": date(2028, 2, 29),
            "mblex": date.max,
            "hipaa_training": None,
        }
        for code, day in written.items():
            factories.credential(db, person.id, code, expires_on=day)
        (columns,) = service.load_graduate_columns(db, [person.id])
        held = dict(zip(columns.credentials.code, columns.credentials.expiry_day, strict=True))
        assert held == {code: expiry_day(day) for code, day in written.items()}
        assert held["first_aid"] == 0 and held["hipaa_training"] == NO_EXPIRY_DAY
        (record,) = columns.records()
        assert {c.code: c.expires_on for c in record.credentials} == written

    def test_it_leaves_out_deleted_graduates_and_reads_status_fields(self, db):
        gone = _graduate(db, "Gone")
        gone.deleted_at = gone.created_at
        db.add(gone)
        placed = _graduate(db, "Placed", seeking="placed", verified=False)
        db.commit()
        records = service.load_graduates(db, [gone.id, placed.id])
        assert gone.id not in records
        assert records[placed.id].seeking is False
        assert records[placed.id].verified is False


class TestLoadPositions:
    def test_it_reads_requirements_and_only_open_positions(self, db, harbor, employer_user):
        draft = factories.position(db, employer_user.employer.id, status="draft")
        records = service.load_positions(db)
        assert set(records) == {harbor.id}
        record = records[harbor.id]
        assert record.required_credentials == frozenset({"bls_cpr"})
        assert record.preferred_modalities == frozenset({"manual_lymphatic_drainage", "oncology"})
        assert record.shifts == frozenset({"mon-am", "tue-am"})
        assert draft.id in service.load_positions(db, [draft.id], only_open=False)


class TestRankGraduates:
    def test_it_ranks_the_eligible_best_first_with_reasons(self, db, harbor):
        plain = _graduate(db, "Plain")
        strong = _graduate(db, "Strong", clinical_hours=300)
        factories.modality(db, strong.id, "manual_lymphatic_drainage", 3)
        factories.modality(db, strong.id, "oncology", 3)
        _graduate(db, "NoBls", bls=False)
        ranked = service.rank_graduates(db, harbor.id, audience="staff")
        assert [r.graduate_id for r in ranked] == [strong.id, plain.id]
        assert ranked[0].name == "Strong Hopper"
        assert ranked[0].score > ranked[1].score
        assert all(r.eligible for r in ranked)
        assert {reason.factor for reason in ranked[0].reasons} >= {"preferred_modalities", "pay"}

    def test_visibility_private_reaches_no_list_and_staff_never_an_employer(self, db, harbor):
        private = _graduate(db, "Private", visibility="private")
        staff_only = _graduate(db, "Staff", visibility="staff")
        public = _graduate(db, "Public", visibility="employers")
        for_staff = {r.graduate_id for r in service.rank_graduates(db, harbor.id, audience="staff")}
        for_employer = {
            r.graduate_id
            for r in service.rank_graduates(
                db, harbor.id, audience="employer", include_ineligible=True
            )
        }
        assert for_staff == {staff_only.id, public.id}
        assert for_employer == {public.id}
        assert private.id not in for_staff | for_employer

    def test_it_includes_the_ineligible_after_the_eligible_when_asked(self, db, harbor):
        ok = _graduate(db, "Ok")
        lacking = _graduate(db, "Lacking", bls=False)
        ranked = service.rank_graduates(db, harbor.id, audience="staff", include_ineligible=True)
        assert [(r.graduate_id, r.eligible) for r in ranked] == [(ok.id, True), (lacking.id, False)]
        assert [reason.factor for reason in ranked[1].lacks] == ["required_credential"]

    def test_it_respects_the_limit(self, db, harbor):
        for i in range(4):
            _graduate(db, f"G{i}")
        assert len(service.rank_graduates(db, harbor.id, audience="staff", limit=2)) == 2

    def test_it_raises_not_found_for_an_unknown_position(self, db):
        with pytest.raises(NotFound):
            service.rank_graduates(db, 9999, audience="staff")

    def test_a_closed_or_past_position_ranks_nobody(self, db, employer_user):
        _graduate(db, "Ready")
        closed = factories.position(db, employer_user.employer.id, status="closed")
        past = factories.position(
            db, employer_user.employer.id, closes_on=dates.today() - timedelta(days=1)
        )
        assert service.rank_graduates(db, closed.id, audience="staff") == []
        assert service.rank_graduates(db, past.id, audience="staff") == []


class TestFreshness:
    def test_a_profile_change_shows_in_the_next_ranking(self, db, harbor):
        grace = _graduate(db, "Grace")
        assert [r.graduate_id for r in service.rank_graduates(db, harbor.id, audience="staff")] == [
            grace.id
        ]
        grace.seeking = "not_seeking"
        db.add(grace)
        changes.graduate_changed(db, grace.id)
        db.commit()
        assert service.rank_graduates(db, harbor.id, audience="staff") == []

    def test_a_new_credential_and_a_new_graduate_show_once_recorded(self, db, harbor):
        grace = _graduate(db, "Grace", bls=False)
        assert service.rank_graduates(db, harbor.id, audience="staff") == []
        factories.credential(db, grace.id, "bls_cpr")
        newcomer = _graduate(db, "New")
        changes.graduate_changed(db, grace.id)
        changes.graduate_changed(db, newcomer.id)
        db.commit()
        ranked = service.rank_graduates(db, harbor.id, audience="staff")
        assert {r.graduate_id for r in ranked} == {grace.id, newcomer.id}

    def test_a_deleted_graduate_leaves_and_a_closed_position_stops_ranking(self, db, harbor):
        grace = _graduate(db, "Grace")
        assert service.rank_positions(db, grace.id)
        grace.deleted_at = grace.created_at
        db.add(grace)
        changes.graduate_changed(db, grace.id)
        db.commit()
        assert service.rank_graduates(db, harbor.id, audience="staff") == []
        other = _graduate(db, "Other")
        harbor.status = "closed"
        db.add(harbor)
        changes.position_changed(db, harbor.id)
        db.commit()
        assert service.rank_positions(db, other.id) == []

    def test_a_position_edit_shows_in_the_next_ranking(self, db, harbor):
        grace = _graduate(db, "Grace")
        assert service.rank_graduates(db, harbor.id, audience="staff")
        harbor.min_training_hours = 1000
        db.add(harbor)
        changes.position_changed(db, harbor.id)
        db.commit()
        assert service.rank_graduates(db, harbor.id, audience="staff") == []
        assert service.near_misses(db, harbor.id)[0].graduate_id == grace.id

    def test_a_change_committed_out_of_order_is_still_applied(self, db, harbor):
        grace = _graduate(db, "Grace")
        service.rank_graduates(db, harbor.id, audience="staff")
        # Ids 1..3 were taken; a writer with id 2 "commits late": simulate with explicit ids.
        db.add(Change(id=10, kind="graduate", object_id=0))
        db.commit()
        service.rank_graduates(db, harbor.id, audience="staff")
        grace.visibility = "private"
        db.add(grace)
        db.add(Change(id=7, kind="graduate", object_id=grace.id))
        db.commit()
        assert service.rank_graduates(db, harbor.id, audience="staff") == []

    def test_uncommitted_changes_of_the_callers_transaction_are_not_applied(self, db, harbor):
        grace = _graduate(db, "Grace")
        service.rank_graduates(db, harbor.id, audience="staff")
        db.get(Graduate, grace.id).visibility = "private"
        changes.graduate_changed(db, grace.id)
        db.flush()
        ranked = service.rank_graduates(db, harbor.id, audience="staff")
        db.rollback()
        assert [r.graduate_id for r in ranked] == [grace.id]
        assert [r.graduate_id for r in service.rank_graduates(db, harbor.id, audience="staff")] == [
            grace.id
        ]

    def test_concurrent_rankings_and_changes_do_not_break_the_index(self, app, db, harbor):
        engine = app.state.engine
        with Session(engine) as session:
            assert service.rank_graduates(session, harbor.id, audience="staff") == []
        people = [_graduate(db, f"G{i}").id for i in range(6)]
        errors: list[BaseException] = []

        def rank() -> None:
            try:
                for _ in range(5):
                    with Session(engine) as session:
                        service.rank_graduates(session, harbor.id, audience="staff")
            except BaseException as error:  # pragma: no cover - reported below
                errors.append(error)

        threads = [threading.Thread(target=rank) for _ in range(4)]
        for thread in threads:
            thread.start()
        for graduate_id in people:
            changes.graduate_changed(db, graduate_id)
            db.commit()
        for thread in threads:
            thread.join()
        assert not errors
        with Session(engine) as session:
            ranked = service.rank_graduates(session, harbor.id, audience="staff")
        assert len(ranked) == len(people)


class TestNearMisses:
    def test_it_lists_who_misses_fewest_rules_with_what_they_lack(self, db, harbor):
        _graduate(db, "Eligible")
        one = _graduate(db, "One", bls=False)
        two = _graduate(db, "Two", bls=False, training_hours=100)
        _graduate(db, "Placed", bls=False, seeking="placed")
        _graduate(db, "Hidden", bls=False, visibility="private")
        misses = service.near_misses(db, harbor.id)
        assert [m.graduate_id for m in misses] == [one.id, two.id]
        assert [r.factor for r in misses[0].lacks] == ["required_credential"]
        assert "BLS" in misses[0].lacks[0].detail
        assert {r.factor for r in misses[1].lacks} == {"required_credential", "training_hours"}


class TestRankPositions:
    def test_it_ranks_open_public_positions_only(self, db, harbor, employer_user):
        grace = _graduate(db, "Grace")
        factories.position(db, employer_user.employer.id, status="draft")
        factories.position(
            db, employer_user.employer.id, closes_on=dates.today() - timedelta(days=1)
        )
        pending = factories.employer(db, email="p@pending.example", status="pending")
        factories.position(db, pending.employer.id)
        ranked = service.rank_positions(db, grace.id)
        assert [r.position_id for r in ranked] == [harbor.id]
        assert ranked[0].name == harbor.title
        assert ranked[0].employer_name == "Harbor Hospital"

    def test_a_private_graduate_still_gets_their_own_recommendations(self, db, harbor):
        grace = _graduate(db, "Grace", visibility="private")
        assert [r.position_id for r in service.rank_positions(db, grace.id)] == [harbor.id]

    def test_it_raises_not_found_for_an_unknown_graduate(self, db):
        with pytest.raises(NotFound):
            service.rank_positions(db, 4242)


class TestExplain:
    def test_it_equals_the_reference_scorer(self, db, harbor):
        grace = _graduate(db, "Grace")
        result = service.explain(db, grace.id, harbor.id)
        records = service.load_graduates(db, [grace.id])
        position = service.load_positions(db, [harbor.id])[harbor.id]
        assert result == score(records[grace.id], position)

    def test_it_explains_many_in_a_fixed_number_of_queries(self, db, harbor):
        ids = [_graduate(db, f"G{i}", bls=i % 2 == 0).id for i in range(6)]
        statements, stop = _count_queries(db)
        try:
            found = service.explain_many(db, harbor.id, ids)
        finally:
            stop()
        assert len(statements) <= 5
        assert [found[i].eligible for i in ids] == [True, False] * 3

    def test_it_explains_a_position_that_is_no_longer_open(self, db, harbor):
        grace = _graduate(db, "Grace")
        db.get(Position, harbor.id).status = "filled"
        db.commit()
        assert service.explain(db, grace.id, harbor.id).eligible

    def test_it_raises_not_found_for_unknown_ids(self, db, harbor):
        with pytest.raises(NotFound):
            service.explain(db, 999, harbor.id)
        grace = _graduate(db, "Grace")
        with pytest.raises(NotFound):
            service.explain(db, grace.id, 999)


def test_credential_state_reaches_the_record(db):
    grace = _graduate(db, "Grace", bls=False)
    db.add(GraduateCredential(graduate_id=grace.id, code="state_license", state="NV"))
    db.commit()
    (credential,) = service.load_graduates(db, [grace.id])[grace.id].credentials
    assert (credential.code, credential.state, credential.verified) == (
        "state_license",
        "NV",
        False,
    )


def test_a_graduate_missing_much_more_is_no_near_miss(db, harbor):
    _graduate(db, "Far", bls=False, verified=False, training_hours=10, availability="sun-eve")
    assert service.near_misses(db, harbor.id) == []
