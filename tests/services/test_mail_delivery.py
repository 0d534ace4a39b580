"""SMTP delivery against a real SMTP server (aiosmtpd on loopback), stopped and restarted."""

from __future__ import annotations

import dataclasses
import email
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from email import policy
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import Session, select

from placement.cli import main
from placement.config import Settings
from placement.db import unit_of_work
from placement.models import MailStatus, Message, utcnow
from placement.services import mail, mail_delivery


class Handler:
    """Accepts mail, except for addresses given an answer (e.g. "550 5.1.1 No such user")."""

    def __init__(self) -> None:
        self.received: list[tuple[list[str], bytes]] = []
        self.answers: dict[str, str] = {}
        self.tried: list[str] = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, ANN201, N802
        with self.lock:
            self.tried.append(address)
        answer = self.answers.get(address)
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201, N802
        with self.lock:
            self.received.append((list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 Message accepted for delivery"

    def recipients(self) -> list[str]:
        return [address for rcpt_tos, _ in self.received for address in rcpt_tos]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SMTPServer:
    def __init__(self) -> None:
        self.handler = Handler()
        self.port = _free_port()
        self.controller: Controller | None = None
        self.options: dict[str, Any] = {}

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.controller = Controller(
            self.handler, hostname="127.0.0.1", port=self.port, **self.options
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp() -> Iterator[SMTPServer]:
    server = SMTPServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def smtp_settings(settings: Settings, smtp: SMTPServer) -> Settings:
    return dataclasses.replace(settings, smtp_url=smtp.url)


def _queue(app: Any, settings: Settings, *addresses: str, **extra: Any) -> list[int]:
    ids = []
    with unit_of_work(app.state.engine) as db:
        for address in addresses:
            message = mail.queue(
                db,
                settings,
                to_email=address,
                subject=f"For {address}",
                body="Hello.",
                kind="password_reset",
                **extra,
            )
            ids.append(message.id)
    return ids


def _deliver(app: Any, settings: Settings, now: Any = None, **kwargs: Any) -> int:
    with unit_of_work(app.state.engine) as db:
        return mail_delivery.deliver(db, settings, now, **kwargs)


def _message(db: Session, message_id: int) -> Message:
    db.expire_all()
    found = db.get(Message, message_id)
    assert found is not None
    return found


class TestDeliver:
    def test_it_sends_due_mail_once_with_its_attachments(self, app, db, smtp, smtp_settings):
        (first,) = _queue(
            app, smtp_settings, "a@example.com", attachments=[("i.ics", "text/calendar", b"X")]
        )
        (second,) = _queue(app, smtp_settings, "b@example.com")

        assert _deliver(app, smtp_settings) == 2
        assert _deliver(app, smtp_settings, utcnow() + timedelta(hours=2)) == 0

        assert smtp.handler.recipients() == ["a@example.com", "b@example.com"]
        parsed = email.message_from_bytes(smtp.handler.received[0][1], policy=policy.default)
        (part,) = list(parsed.iter_attachments())
        assert part.get_filename() == "i.ics" and part.get_payload(decode=True) == b"X"
        for message_id in (first, second):
            message = _message(db, message_id)
            assert message.status == MailStatus.SENT and message.sent_at is not None

    def test_it_does_nothing_without_smtp_url(self, app, db, settings, smtp):
        (message_id,) = _queue(app, settings, "a@example.com")
        assert _deliver(app, settings) == 0
        assert _message(db, message_id).status == MailStatus.QUEUED
        assert smtp.handler.received == []

    def test_held_and_skipped_mail_is_not_sent(self, app, db, smtp, smtp_settings):
        with unit_of_work(app.state.engine) as session:
            for status in (MailStatus.HELD, MailStatus.SKIPPED, MailStatus.DIGESTED):
                session.add(Message(recipient_email="x@example.com", subject="s", status=status))
        assert _deliver(app, smtp_settings) == 0
        assert smtp.handler.tried == []


class TestRefusals:
    def test_a_5xx_refusal_is_recorded_and_never_retried_and_blocks_no_one(
        self, app, db, smtp, smtp_settings
    ):
        smtp.handler.answers["gone@example.com"] = "550 5.1.1 No such user here"
        ids = _queue(app, smtp_settings, "a@example.com", "gone@example.com", "b@example.com")

        assert _deliver(app, smtp_settings) == 2
        assert smtp.handler.recipients() == ["a@example.com", "b@example.com"]
        refused = _message(db, ids[1])
        assert refused.status == MailStatus.FAILED and refused.failed_at is not None
        assert "550" in refused.last_error and "No such user" in refused.last_error

        assert _deliver(app, smtp_settings, utcnow() + timedelta(days=1)) == 0
        assert smtp.handler.tried.count("gone@example.com") == 1

    def test_an_address_the_server_cannot_take_fails_alone(self, app, db, smtp, smtp_settings):
        # A server without SMTPUTF8 cannot take a non-ASCII address.
        smtp.stop()
        smtp.options["enable_SMTPUTF8"] = False
        smtp.start()
        ids = _queue(app, smtp_settings, "josé@exämple.com", "b@example.com")
        assert _deliver(app, smtp_settings) == 1
        refused = _message(db, ids[0])
        assert refused.status == MailStatus.FAILED and "SMTPUTF8" in refused.last_error
        assert smtp.handler.recipients() == ["b@example.com"]

    def test_a_4xx_answer_keeps_it_queued_and_it_is_retried_within_a_minute(
        self, app, db, smtp, smtp_settings
    ):
        smtp.handler.answers["busy@example.com"] = "451 4.7.1 Greylisted, try again later"
        (busy, other) = _queue(app, smtp_settings, "busy@example.com", "c@example.com")
        now = utcnow()

        assert _deliver(app, smtp_settings, now) == 1
        waiting = _message(db, busy)
        assert waiting.status == MailStatus.QUEUED and waiting.attempts == 1
        assert "451" in waiting.last_error
        assert waiting.next_attempt_at is not None
        assert waiting.next_attempt_at <= now + timedelta(minutes=1)
        assert _message(db, other).status == MailStatus.SENT

        # Not before its time...
        assert _deliver(app, smtp_settings, now + timedelta(seconds=10)) == 0
        assert smtp.handler.tried.count("busy@example.com") == 1
        # ... and again after it, with a longer wait when refused again.
        assert _deliver(app, smtp_settings, now + timedelta(seconds=45)) == 0
        again = _message(db, busy)
        assert again.attempts == 2 and again.next_attempt_at is not None
        assert again.next_attempt_at - (now + timedelta(seconds=45)) == timedelta(minutes=2)
        del smtp.handler.answers["busy@example.com"]
        assert _deliver(app, smtp_settings, now + timedelta(minutes=3)) == 1
        assert _message(db, busy).status == MailStatus.SENT
        assert smtp.handler.recipients().count("busy@example.com") == 1

    def test_a_server_closing_mid_batch_leaves_the_rest_queued(self, app, db, smtp, smtp_settings):
        smtp.handler.answers["b@example.com"] = "421 4.3.2 Service shutting down"
        ids = _queue(app, smtp_settings, "a@example.com", "b@example.com", "c@example.com")
        assert _deliver(app, smtp_settings) == 1
        statuses = [_message(db, message_id).status for message_id in ids]
        assert statuses == [MailStatus.SENT, MailStatus.QUEUED, MailStatus.QUEUED]
        del smtp.handler.answers["b@example.com"]
        assert _deliver(app, smtp_settings, utcnow() + timedelta(minutes=1)) == 2
        assert sorted(smtp.handler.recipients()) == [
            "a@example.com",
            "b@example.com",
            "c@example.com",
        ]


class TestServerDown:
    def test_mail_waits_while_the_server_is_down_and_goes_once_it_is_back(
        self, app, db, smtp, smtp_settings
    ):
        (early,) = _queue(app, smtp_settings, "early@example.com")
        assert _deliver(app, smtp_settings) == 1
        smtp.stop()
        ids = _queue(app, smtp_settings, "a@example.com", "b@example.com")
        now = utcnow()

        assert _deliver(app, smtp_settings, now) == 0
        for message_id in ids:
            waiting = _message(db, message_id)
            assert waiting.status == MailStatus.QUEUED and waiting.attempts == 1
            assert "Connection" in waiting.last_error or "Errno" in waiting.last_error

        smtp.start()
        assert _deliver(app, smtp_settings, now + timedelta(seconds=31)) == 2
        assert smtp.handler.recipients() == ["early@example.com", "a@example.com", "b@example.com"]
        assert _message(db, early).attempts == 0

    def test_a_server_that_never_answers_times_out_and_the_mail_waits(self, app, db, settings):
        silent = socket.socket()
        silent.bind(("127.0.0.1", 0))
        silent.listen(5)  # accepts connections, never says a word
        try:
            port = silent.getsockname()[1]
            quiet = dataclasses.replace(settings, smtp_url=f"smtp://127.0.0.1:{port}")
            (message_id,) = _queue(app, quiet, "a@example.com")
            assert _deliver(app, quiet, timeout=0.5) == 0
        finally:
            silent.close()
        waiting = _message(db, message_id)
        assert waiting.status == MailStatus.QUEUED and waiting.attempts == 1
        assert "timed out" in waiting.last_error.lower() or "Timeout" in waiting.last_error


class TestTwoWorkers:
    def test_two_workers_at_once_send_each_message_once(self, app, db, smtp, smtp_settings):
        addresses = [f"p{number}@example.com" for number in range(30)]
        _queue(app, smtp_settings, *addresses)
        _deliver(app, smtp_settings, limit=0)  # warm the pool
        start = threading.Barrier(2)
        counts: list[int] = []
        errors: list[BaseException] = []

        def work() -> None:
            try:
                start.wait()
                counts.append(_deliver(app, smtp_settings))
            except BaseException as error:  # noqa: BLE001 - reported below
                errors.append(error)

        threads = [threading.Thread(target=work) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        assert sum(counts) == 30
        assert sorted(smtp.handler.recipients()) == sorted(addresses)
        sent = db.exec(select(Message).where(Message.status == MailStatus.SENT)).all()
        assert len(sent) == 30


class TestCommands:
    def test_send_mail_delivers_and_survives_a_down_server(
        self, app, db, smtp, smtp_settings, monkeypatch, capsys
    ):
        monkeypatch.setenv("DATABASE_URL", smtp_settings.database_url)
        monkeypatch.setenv("PLACEMENT_ENV", "test")
        monkeypatch.setenv("SMTP_URL", smtp.url)
        _queue(app, smtp_settings, "a@example.com")
        assert main(["send-mail"]) == 0
        assert "Sent 1 message" in capsys.readouterr().out
        smtp.stop()
        _queue(app, smtp_settings, "b@example.com")
        assert main(["send-mail"]) == 0
        assert "1 message(s) wait for the SMTP server" in capsys.readouterr().out

    def test_the_worker_delivers_mail(self, app, db, smtp, smtp_settings, monkeypatch):
        monkeypatch.setenv("DATABASE_URL", smtp_settings.database_url)
        monkeypatch.setenv("PLACEMENT_ENV", "test")
        monkeypatch.setenv("SMTP_URL", smtp.url)
        _queue(app, smtp_settings, "a@example.com")
        assert main(["worker", "--once"]) == 0
        assert smtp.handler.recipients() == ["a@example.com"]
