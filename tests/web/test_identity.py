"""Student ids belong to roster records, unique without regard to case; a self-registered
account holds one only as a claim, which staff resolve among the identity conflicts."""

from __future__ import annotations

import re

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from placement import migrate
from placement.db import make_engine
from placement.models import Application, AuditEvent, Graduate, Message, User
from placement.services import Actor, roster
from tests import factories
from tests.burst import burst, tokens_for
from tests.conftest import BACKEND, create_postgres_database, drop_postgres_database
from tests.web.test_auth import GRADUATE_FORM

HEADER = "student_id,first_name,last_name,email,program,graduation_date,training_hours"
REAL_ID = "S2025-000000"


def _import(db, settings, *rows: str) -> roster.ImportResult:
    data = "\n".join([HEADER, *rows]).encode() + b"\n"
    result = roster.import_roster(
        db, settings, data, skip_bad_rows=False, actor=Actor(user_id=None, role="cli")
    )
    db.commit()
    return result


def _register(client, **changes: str):
    return client.submit("/register/graduate", {**GRADUATE_FORM, **changes})


def _graduate_of(db, email: str) -> Graduate:
    db.expire_all()
    user = db.exec(select(User).where(User.email == email)).one()
    return db.exec(select(Graduate).where(Graduate.user_id == user.id)).one()


REAL_ROW = f"{REAL_ID},Maya,Lopez,maya@example.com,Medical Massage Therapy,2025-06-15,750"


class TestSquatting:
    def test_a_roster_row_never_verifies_or_renames_a_squatters_account(
        self, client, db, settings, as_staff
    ):
        squat = _register(
            client, email="squatter@example.com", student_id=REAL_ID, first_name="Fake"
        )
        assert squat.status_code == 303

        result = _import(db, settings, REAL_ROW)

        assert result.imported and result.created == 1 and result.updated == 0
        squatter = _graduate_of(db, "squatter@example.com")
        assert squatter.verified_at is None and squatter.student_id is None
        assert squatter.first_name == "Fake" and squatter.training_hours == 0
        record = db.exec(select(Graduate).where(Graduate.student_id == REAL_ID)).one()
        assert record.id != squatter.id and record.email == "maya@example.com"
        assert record.verified_at is not None
        invitation = db.exec(select(Message).where(Message.recipient_email == "maya@example.com"))
        assert "/account/setup/" in invitation.one().body
        assert not db.exec(
            select(Message).where(Message.recipient_email == "squatter@example.com")
        ).all()
        page = as_staff.get("/staff/graduates/conflicts")
        assert page.status_code == 200
        assert "squatter@example.com" in page.text and "maya@example.com" in page.text

    def test_the_real_student_claims_the_record_by_the_invitation(
        self, client, make_client, db, settings
    ):
        _register(client, email="squatter@example.com", student_id=REAL_ID)
        _import(db, settings, REAL_ROW)
        body = db.exec(select(Message.body).where(Message.recipient_email == "maya@example.com"))
        link = re.search(r"/account/setup/[\w-]+", body.one()).group(0)
        maya = make_client()
        assert maya.submit(link, {"password": "maya's own passphrase"}).status_code == 303
        me = maya.get("/api/v1/me").json()
        assert (
            me["graduate_id"]
            == db.exec(select(Graduate.id).where(Graduate.student_id == REAL_ID)).one()
        )


class TestRegistrationWithATakenId:
    @pytest.mark.parametrize("typed", [REAL_ID, REAL_ID.lower(), f" {REAL_ID} "])
    def test_it_is_answered_like_any_registration_and_held_only_as_a_claim(
        self, make_client, db, settings, as_staff, typed
    ):
        _import(db, settings, REAL_ROW)
        fresh = _register(make_client(), email="fresh@example.com", student_id="S2025-999999")
        taken = _register(make_client(), email="taker@example.com", student_id=typed)

        assert taken.status_code == fresh.status_code == 303
        assert taken.headers["location"] == fresh.headers["location"] == "/me"
        taker = _graduate_of(db, "taker@example.com")
        assert taker.student_id is None and taker.claimed_student_id == typed.strip()
        assert taker.first_name == GRADUATE_FORM["first_name"]
        page = as_staff.get("/staff/graduates/conflicts").text
        assert "taker@example.com" in page and "fresh@example.com" not in page

    def test_two_claims_of_one_id_are_a_conflict(self, make_client, db, as_staff):
        _register(make_client(), email="one@example.com", student_id="S7")
        _register(make_client(), email="two@example.com", student_id="s7")
        page = as_staff.get("/staff/graduates/conflicts").text
        assert "one@example.com" in page and "two@example.com" in page

    def test_ten_registrations_of_one_id_at_once_all_become_claims(
        self, make_client, db, settings, as_staff
    ):
        _import(db, settings, REAL_ROW)
        clients = [make_client() for _ in range(10)]
        tokens = tokens_for(clients)
        answers = burst(
            clients,
            lambda client, i: client.post(
                "/register/graduate",
                data={
                    **GRADUATE_FORM,
                    "csrf_token": tokens[i],
                    "email": f"claimer{i}@example.com",
                    "student_id": REAL_ID if i % 2 else REAL_ID.lower(),
                },
            ),
        )
        assert [answer.status_code for answer in answers] == [303] * 10
        db.expire_all()
        claims = db.exec(select(Graduate).where(Graduate.claimed_student_id.is_not(None))).all()
        assert len(claims) == 10
        assert len(db.exec(select(Graduate).where(Graduate.student_id.is_not(None))).all()) == 1
        page = as_staff.get("/staff/graduates/conflicts").text
        assert all(f"claimer{i}@example.com" in page for i in range(10))


class TestResolving:
    @pytest.fixture
    def conflict(self, client, db, settings):
        _register(client, email="maya.personal@example.com", student_id=REAL_ID)
        _import(db, settings, REAL_ROW)
        claimant = _graduate_of(db, "maya.personal@example.com")
        record = db.exec(select(Graduate).where(Graduate.student_id == REAL_ID)).one()
        return claimant, record

    def test_link_makes_the_account_the_roster_records_login(
        self, conflict, db, as_staff, client, employer_user
    ):
        claimant, record = conflict
        claimant_id, login_id = claimant.id, claimant.user_id
        position = factories.position(db, employer_user.employer.id)
        client.submit(f"/positions/{position.id}/apply", {"cover_note": "Hi"})
        placeholder = record.user_id

        response = as_staff.submit(
            f"/staff/graduates/{claimant_id}/conflict/link", {"roster_graduate_id": record.id}
        )

        assert response.status_code == 303
        db.expunge_all()
        assert db.exec(select(Graduate).where(Graduate.id == claimant_id)).first() is None
        linked = db.get(Graduate, record.id)
        assert linked.user_id == login_id and linked.student_id == REAL_ID
        assert linked.first_name == "Maya" and linked.verified_at is not None
        assert db.exec(select(User).where(User.id == placeholder)).first() is None
        assert db.exec(select(Application)).one().graduate_id == record.id
        assert client.get("/api/v1/me").json()["graduate_id"] == record.id
        event = db.exec(
            select(AuditEvent).where(AuditEvent.action == "graduate.conflict_linked")
        ).one()
        assert event.object_id == record.id and event.ip == "127.0.0.1"
        assert "maya" not in as_staff.get("/staff/graduates/conflicts").text.lower()

    def test_reject_drops_the_claim_and_leaves_the_account_unverified(self, conflict, db, as_staff):
        claimant, record = conflict
        response = as_staff.submit(
            f"/staff/graduates/{claimant.id}/conflict/reject", {"reason": "different person"}
        )
        assert response.status_code == 303
        db.expire_all()
        dropped = db.get(Graduate, claimant.id)
        assert dropped.claimed_student_id is None and dropped.verified_at is None
        assert dropped.user_id == claimant.user_id
        assert db.get(Graduate, record.id).user_id == record.user_id
        assert "maya.personal" not in as_staff.get("/staff/graduates/conflicts").text

    def test_a_record_with_its_own_login_cannot_be_linked(
        self, conflict, db, as_staff, make_client
    ):
        claimant, record = conflict
        body = db.exec(select(Message.body).where(Message.recipient_email == "maya@example.com"))
        link = re.search(r"/account/setup/[\w-]+", body.one()).group(0)
        make_client().submit(link, {"password": "maya's own passphrase"})
        response = as_staff.submit(
            f"/staff/graduates/{claimant.id}/conflict/link", {"roster_graduate_id": record.id}
        )
        assert response.status_code == 422
        assert "already has a login" in response.text

    def test_verifying_a_claimant_whose_id_is_a_roster_records_is_refused(
        self, conflict, db, as_staff
    ):
        claimant, _record = conflict
        response = as_staff.submit(f"/staff/graduates/{claimant.id}/verify")
        assert response.status_code == 409
        db.expire_all()
        assert db.get(Graduate, claimant.id).verified_at is None

    def test_verifying_a_claim_nobody_else_holds_confirms_the_id(self, client, db, as_staff):
        _register(client, email="solo@example.com", student_id="S-SOLO-1")
        solo = _graduate_of(db, "solo@example.com")
        assert as_staff.submit(f"/staff/graduates/{solo.id}/verify").status_code == 303
        db.expire_all()
        confirmed = db.get(Graduate, solo.id)
        assert confirmed.student_id == "S-SOLO-1" and confirmed.claimed_student_id is None

    def test_only_staff_resolve(self, conflict, as_graduate):
        claimant, record = conflict
        assert as_graduate.get("/staff/graduates/conflicts").status_code == 403
        url = f"/staff/graduates/{claimant.id}/conflict/link"
        assert as_graduate.submit(url, {"roster_graduate_id": record.id}).status_code == 403


class TestTheRosterAndTheClaimant:
    def test_a_row_with_the_claimants_own_e_mail_and_id_becomes_its_record(
        self, client, db, settings
    ):
        _register(client, email="maya@example.com", student_id=REAL_ID.lower())
        result = _import(db, settings, REAL_ROW)
        assert result.imported and result.updated == 1 and result.created == 0
        graduate = _graduate_of(db, "maya@example.com")
        assert graduate.student_id == REAL_ID and graduate.claimed_student_id is None
        assert graduate.verified_at is not None and graduate.training_hours == 750

    def test_two_roster_records_cannot_hold_one_id_in_two_cases(self, db):
        factories.graduate(db, email="a@example.com", student_id="S-CASE", with_account=False)
        with pytest.raises(IntegrityError):
            factories.graduate(db, email="b@example.com", student_id="s-case", with_account=False)
        db.rollback()


def _filler(column: dict) -> object:
    """A value for a NOT NULL column the test does not care about, by its type."""
    kind = str(column["type"]).upper()
    if "INT" in kind or "FLOAT" in kind or "NUMERIC" in kind or "REAL" in kind:
        return 0
    if "BOOL" in kind:
        return False
    if "DATE" in kind or "TIME" in kind:
        return "2026-01-01 00:00:00"
    return ""


class TestTheMigration:
    def test_it_keeps_roster_ids_and_turns_clashing_ones_into_claims(self, tmp_path):
        from alembic.script import ScriptDirectory

        script = ScriptDirectory.from_config(migrate.alembic_config("sqlite://"))
        before = script.get_revision("b2d4f6a8c013").down_revision
        if BACKEND == "postgres":
            url = create_postgres_database("placement_identity")
        else:
            url = f"sqlite:///{tmp_path / 'old.db'}"
        engine = make_engine(url)
        try:
            config = migrate.alembic_config(url)
            with engine.begin() as connection:
                config.attributes["connection"] = connection
                command.upgrade(config, str(before))
            columns = [
                column
                for column in inspect(engine).get_columns("graduate")
                if not column["nullable"] and column["name"] != "id"
            ]
            rows = [
                (1, "S1", True),  # the roster record
                (2, "s1", True),  # a verified duplicate in another case: the younger
                (3, "S2", False),  # self-registered, nobody else holds it
                (4, "S3", True),
            ]
            with engine.begin() as connection:
                for graduate_id, student_id, verified in rows:
                    values = {column["name"]: _filler(column) for column in columns}
                    if "outcome_status" in values:  # a later revision keeps it to its CHECK
                        values["outcome_status"] = "seeking"
                    values |= {
                        "id": graduate_id,
                        "student_id": student_id,
                        "verified_at": "2026-01-02 00:00:00" if verified else None,
                    }
                    names = ", ".join(values)
                    marks = ", ".join(f":{name}" for name in values)
                    connection.execute(
                        text(f"INSERT INTO graduate ({names}) VALUES ({marks})"), values
                    )
            migrate.upgrade(engine)
            with engine.connect() as connection:
                found = connection.execute(
                    text("SELECT id, student_id, claimed_student_id FROM graduate ORDER BY id")
                ).all()
            assert [tuple(row) for row in found] == [
                (1, "S1", None),
                (2, None, "s1"),
                (3, None, "S2"),
                (4, "S3", None),
            ]
        finally:
            engine.dispose()
            if BACKEND == "postgres":
                drop_postgres_database(url)
