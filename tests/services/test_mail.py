"""The mailer: kinds and their classes, attachments, and files only after commit."""

from __future__ import annotations

import email
from email import policy
from pathlib import Path

import pytest
from sqlmodel import Session, select
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from placement.config import Settings
from placement.db import unit_of_work
from placement.models import MailStatus, Message, MessageAttachment
from placement.services import mail, mail_kinds
from placement.web.guards import endpoint
from tests import factories

ICS = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


def _files(settings: Settings) -> list[Path]:
    assert settings.mail_dir is not None
    return sorted(settings.mail_dir.glob("*.eml"))


def _queue(db: Session, settings: Settings, **overrides: object) -> Message:
    values: dict[str, object] = {
        "to_email": "grace@example.com",
        "subject": "Interview on Tuesday",
        "body": "See you then.",
        "kind": "interview.confirmed",
    }
    values.update(overrides)
    return mail.queue(db, settings, **values)  # type: ignore[arg-type]


class TestKinds:
    def test_it_knows_the_class_of_each_contract_kind(self):
        assert mail_kinds.mail_class("password_reset") == "security"
        assert mail_kinds.mail_class("interview.reminder") == "time_critical"
        assert mail_kinds.mail_class("credential.reminder_7") == "time_critical"
        assert mail_kinds.mail_class("credential.reminder_30") == "digest"
        assert mail_kinds.mail_class("message.new") == "digest"

    def test_it_refuses_an_unknown_kind(self, db, settings):
        with pytest.raises(mail_kinds.UnknownMailKind):
            _queue(db, settings, kind="no.such.kind")


class TestAfterCommit:
    def test_it_writes_the_file_only_at_commit(self, db, settings):
        _queue(db, settings)
        assert _files(settings) == []
        db.commit()
        (path,) = _files(settings)
        parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        assert parsed["Subject"] == "Interview on Tuesday"
        assert parsed["To"] == "grace@example.com"

    def test_it_leaves_no_file_when_the_action_rolls_back(self, db, settings):
        _queue(db, settings)
        db.rollback()
        db.commit()
        assert _files(settings) == []
        assert db.exec(select(Message)).all() == []

    def test_it_leaves_no_file_for_a_savepoint_that_rolled_back(self, db, settings):
        _queue(db, settings, subject="kept")
        savepoint = db.begin_nested()
        _queue(db, settings, subject="undone")
        savepoint.rollback()
        db.commit()
        (path,) = _files(settings)
        assert b"Subject: kept" in path.read_bytes()

    def test_a_released_savepoint_is_not_a_commit(self, db, settings):
        _queue(db, settings, subject="before the savepoint")
        with db.begin_nested():
            _queue(db, settings, subject="inside the savepoint")
        assert _files(settings) == []
        db.rollback()
        assert _files(settings) == []

    def test_a_later_transaction_of_the_same_session_starts_clean(self, db, settings):
        _queue(db, settings, subject="undone")
        db.rollback()
        _queue(db, settings, subject="second")
        db.commit()
        (path,) = _files(settings)
        assert b"Subject: second" in path.read_bytes()

    def test_a_unit_of_work_that_fails_sends_nothing(self, app, settings):
        with pytest.raises(RuntimeError), unit_of_work(app.state.engine) as session:
            _queue(session, settings)
            raise RuntimeError("the action failed after queueing its mail")
        assert _files(settings) == []

    def test_a_request_answered_with_an_error_sends_nothing(self, app, settings, make_client):
        # A view that queues a mail and then refuses (4xx): the request's transaction rolls
        # back, and so does the mail.
        @endpoint()
        def refuse(request: Request, db: Session) -> Response:
            _queue(db, settings)
            return PlainTextResponse("no", status_code=422)

        @endpoint()
        def accept(request: Request, db: Session) -> Response:
            _queue(db, settings, subject="accepted")
            return PlainTextResponse("ok")

        app.router.routes.insert(0, Route("/test-refuse", refuse))
        app.router.routes.insert(0, Route("/test-accept", accept))
        client = make_client()
        assert client.get("/test-refuse").status_code == 422
        assert _files(settings) == []
        assert client.get("/test-accept").status_code == 200
        (path,) = _files(settings)
        assert b"Subject: accepted" in path.read_bytes()


class TestAttachments:
    def test_it_stores_and_attaches_them(self, db, settings):
        message = _queue(db, settings, attachments=[("interview.ics", "text/calendar", ICS)])
        db.commit()
        (row,) = db.exec(select(MessageAttachment)).all()
        assert row.message_id == message.id and row.content == ICS
        (path,) = _files(settings)
        parsed = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        (part,) = list(parsed.iter_attachments())
        assert part.get_filename() == "interview.ics"
        assert part.get_content_type() == "text/calendar"
        assert part.get_payload(decode=True) == ICS
        assert parsed.get_body(("plain",)).get_content().strip() == "See you then."


class TestDue:
    @pytest.mark.parametrize(
        ("frequency", "kind", "status"),
        [
            ("immediate", "message.new", MailStatus.QUEUED),
            ("daily", "message.new", MailStatus.HELD),
            ("weekly", "credential.reminder_60", MailStatus.HELD),
            ("off", "message.new", MailStatus.SKIPPED),
            ("off", "interview.proposed", MailStatus.QUEUED),
            ("off", "password_reset", MailStatus.QUEUED),
            ("weekly", "credential.reminder_7", MailStatus.QUEUED),
        ],
    )
    def test_it_holds_or_skips_by_kind_and_frequency(self, db, settings, frequency, kind, status):
        user = factories.user(db, email="gus@example.com", role="graduate")
        user.email_frequency = frequency
        db.add(user)
        db.commit()
        message = _queue(db, settings, to_user_id=user.id, to_email=user.email, kind=kind)
        db.commit()
        assert message.status == status
        assert len(_files(settings)) == (1 if status == MailStatus.QUEUED else 0)
