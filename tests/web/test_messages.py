"""Messages in an application's conversation: the three parties, limits, closing, unread."""

from __future__ import annotations

import concurrent.futures
from typing import Any

import pytest
from sqlmodel import Session, col, select

from placement.models import ConversationMessage, Message
from placement.services import messages as message_service
from tests import factories


@pytest.fixture
def application(db: Session, employer_user: Any, graduate_user: Any) -> Any:
    position = factories.position(db, employer_user.employer.id, title="Oncology massage")
    return factories.application(db, position.id, graduate_user.graduate.id)


def _mail_to(db: Session, email: str, kind: str = "message.new") -> list[Message]:
    db.expire_all()
    return list(
        db.exec(select(Message).where(Message.recipient_email == email, Message.kind == kind)).all()
    )


class TestPosting:
    def test_it_lets_the_graduate_write_and_tells_the_employer(
        self, as_graduate: Any, application: Any, db: Session, employer_user: Any
    ) -> None:
        response = as_graduate.submit(
            f"/me/applications/{application.id}/messages", {"body": "Is parking provided?"}
        )
        assert response.status_code == 303
        assert response.headers["location"].endswith(
            f"/me/applications/{application.id}#conversation"
        )
        page = as_graduate.get(f"/me/applications/{application.id}")
        assert "Is parking provided?" in page.text
        mails = _mail_to(db, employer_user.user.email)
        assert len(mails) == 1
        assert "Is parking provided?" in mails[0].body
        assert f"://testserver/employer/applications/{application.id}" in mails[0].body

    def test_it_lets_the_employer_write_and_tells_the_graduate(
        self,
        as_employer: Any,
        as_graduate: Any,
        application: Any,
        db: Session,
        graduate_user: Any,
        employer_user: Any,
    ) -> None:
        response = as_employer.submit(
            f"/employer/applications/{application.id}/messages", {"body": "Yes, free parking."}
        )
        assert response.status_code == 303
        mails = _mail_to(db, graduate_user.user.email)
        assert len(mails) == 1 and mails[0].recipient_user_id == graduate_user.user.id
        assert f"/me/applications/{application.id}" in mails[0].body
        # The graduate sees the organisation, not the member's name.
        page = as_graduate.get(f"/me/applications/{application.id}").text
        assert "Yes, free parking." in page and employer_user.user.name not in page

    def test_it_lets_staff_read_and_write(
        self, as_staff: Any, application: Any, db: Session, graduate_user: Any, employer_user: Any
    ) -> None:
        response = as_staff.submit(
            f"/staff/applications/{application.id}/messages", {"body": "Career services here."}
        )
        assert response.status_code == 303
        page = as_staff.get(f"/staff/applications/{application.id}")
        assert page.status_code == 200 and "Career services here." in page.text
        assert len(_mail_to(db, graduate_user.user.email)) == 1
        assert len(_mail_to(db, employer_user.user.email)) == 1

    def test_it_tells_staff_who_wrote_before(
        self,
        as_staff: Any,
        as_graduate: Any,
        application: Any,
        db: Session,
        staff_user: Any,
    ) -> None:
        as_staff.submit(f"/staff/applications/{application.id}/messages", {"body": "Hello"})
        as_graduate.submit(f"/me/applications/{application.id}/messages", {"body": "Thanks"})
        assert len(_mail_to(db, staff_user.email)) == 1

    def test_it_escapes_html_and_shows_links_as_text(
        self, as_graduate: Any, as_employer: Any, application: Any
    ) -> None:
        body = '<script>alert(1)</script> see <a href="https://evil.example">here</a> https://x.example'
        as_graduate.submit(f"/me/applications/{application.id}/messages", {"body": body})
        for client, path in (
            (as_graduate, f"/me/applications/{application.id}"),
            (as_employer, f"/employer/applications/{application.id}"),
        ):
            text = client.get(path).text
            assert "<script>alert(1)</script>" not in text
            assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
            assert '<a href="https://evil.example">' not in text
            assert '<a href="https://x.example' not in text


class TestBadInput:
    @pytest.mark.parametrize(
        ("body", "message"),
        [
            ("x" * 5001, "5,000 characters (this one has 5,001)"),
            ("   \n\t  ", "this one is empty"),
            ("", "this one is empty"),
            ("a\x00b", "NUL"),
        ],
        ids=["too-long", "only-spaces", "empty", "nul"],
    )
    def test_it_refuses_with_a_message_and_keeps_the_text(
        self, as_graduate: Any, application: Any, db: Session, body: str, message: str
    ) -> None:
        response = as_graduate.submit(f"/me/applications/{application.id}/messages", {"body": body})
        assert response.status_code == 422
        assert message in response.text
        if body.strip() and "\x00" not in body:
            assert body in response.text  # what was typed is still in the box
        assert db.exec(select(ConversationMessage)).all() == []

    def test_it_keeps_5000_characters(self, as_employer: Any, application: Any) -> None:
        response = as_employer.submit(
            f"/employer/applications/{application.id}/messages", {"body": "y" * 5000}
        )
        assert response.status_code == 303


class TestOutsiders:
    def test_another_graduate_gets_404(self, as_other_graduate: Any, application: Any) -> None:
        path = f"/me/applications/{application.id}"
        assert as_other_graduate.get(path).status_code == 404
        assert as_other_graduate.submit(path + "/messages", {"body": "hi"}).status_code == 404

    def test_another_employer_gets_404(self, as_other_employer: Any, application: Any) -> None:
        path = f"/employer/applications/{application.id}"
        assert as_other_employer.get(path).status_code == 404
        assert as_other_employer.submit(path + "/messages", {"body": "hi"}).status_code == 404

    def test_a_missing_id_gets_404(self, as_staff: Any) -> None:
        assert as_staff.get("/staff/applications/999999").status_code == 404
        assert as_staff.get("/staff/applications/99999999999").status_code == 404

    def test_wrong_roles_get_403(self, as_graduate: Any, application: Any) -> None:
        assert as_graduate.get(f"/staff/applications/{application.id}").status_code == 403

    def test_signed_out_is_sent_to_sign_in(self, client: Any, application: Any) -> None:
        response = client.get(f"/staff/applications/{application.id}")
        assert response.status_code == 303 and "/login" in response.headers["location"]


class TestClosing:
    def test_a_withdrawn_application_keeps_its_conversation_closed(
        self, as_graduate: Any, as_employer: Any, application: Any, db: Session
    ) -> None:
        as_employer.submit(f"/employer/applications/{application.id}/messages", {"body": "Hi"})
        as_graduate.submit(f"/me/applications/{application.id}/withdraw")
        response = as_employer.submit(
            f"/employer/applications/{application.id}/messages", {"body": "Still there?"}
        )
        assert response.status_code == 422 and "withdrawn" in response.text
        page = as_employer.get(f"/employer/applications/{application.id}").text
        assert "Hi" in page and "closed and kept" in page
        assert len(db.exec(select(ConversationMessage)).all()) == 1

    def test_a_deleted_graduates_conversation_is_closed(
        self, as_staff: Any, application: Any, db: Session, graduate_user: Any
    ) -> None:
        as_staff.submit(f"/staff/applications/{application.id}/messages", {"body": "Kept"})
        graduate = graduate_user.graduate
        from placement.models import utcnow

        graduate.deleted_at = utcnow()
        db.add(graduate)
        db.commit()
        response = as_staff.submit(
            f"/staff/applications/{application.id}/messages", {"body": "Anyone?"}
        )
        assert response.status_code == 422 and "deleted their account" in response.text
        assert "Kept" in as_staff.get(f"/staff/applications/{application.id}").text


class TestUnread:
    def test_dashboards_count_unread_until_read(
        self, as_graduate: Any, as_employer: Any, application: Any
    ) -> None:
        as_employer.submit(f"/employer/applications/{application.id}/messages", {"body": "One"})
        as_employer.submit(f"/employer/applications/{application.id}/messages", {"body": "Two"})
        dashboard = as_graduate.get("/me").text
        assert 'aria-label="2 unread messages"' in dashboard
        as_graduate.get(f"/me/applications/{application.id}")
        assert "No unread messages" in as_graduate.get("/me").text
        # The author's own messages are never unread for them.
        assert "No unread messages" in as_employer.get("/employer").text
        as_graduate.submit(f"/me/applications/{application.id}/messages", {"body": "Three"})
        assert 'aria-label="1 unread message"' in as_employer.get("/employer").text


class TestRateLimit:
    def test_it_answers_429_with_retry_after_and_keeps_the_text(
        self, as_graduate: Any, application: Any
    ) -> None:
        path = f"/me/applications/{application.id}/messages"
        for number in range(message_service.LIMIT):
            assert as_graduate.submit(path, {"body": f"m{number}"}).status_code == 303
        response = as_graduate.submit(path, {"body": "one too many"})
        assert response.status_code == 429
        assert int(response.headers["retry-after"]) > 0
        assert "one too many" in response.text

    def test_a_burst_cannot_pass_the_limit(
        self, app: Any, make_client: Any, employer_user: Any, graduate_user: Any, db: Session
    ) -> None:
        """Concurrent posts from one sender: exactly LIMIT pass (SQLite and PostgreSQL)."""
        positions = [factories.position(db, employer_user.employer.id) for _ in range(3)]
        graduates = [factories.graduate(db) for _ in range(3)]
        applications = [
            factories.application(db, position.id, person.graduate.id)
            for position, person in zip(positions, graduates, strict=True)
        ]
        clients = []
        for _ in range(5):
            client = make_client()
            client.login(employer_user.user.email)
            clients.append(client)
        token = {id(client): client.csrf_token() for client in clients}
        attempts = message_service.LIMIT + 6

        def send(number: int) -> int:
            client = clients[number % len(clients)]
            target = applications[number % len(applications)]
            return client.post(
                f"/employer/applications/{target.id}/messages",
                data={"csrf_token": token[id(client)], "body": f"blast {number}"},
            ).status_code

        with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
            codes = list(pool.map(send, range(attempts)))
        assert codes.count(303) == message_service.LIMIT, codes
        assert codes.count(429) == attempts - message_service.LIMIT, codes
        db.expire_all()
        stored = db.exec(
            select(ConversationMessage).where(
                col(ConversationMessage.author_user_id) == employer_user.user.id
            )
        ).all()
        assert len(stored) == message_service.LIMIT


def test_the_graduates_export_holds_the_conversation_without_names(
    as_graduate: Any, as_employer: Any, application: Any, employer_user: Any
) -> None:
    as_employer.submit(
        f"/employer/applications/{application.id}/messages", {"body": "See you Tuesday."}
    )
    export = as_graduate.get("/me/export")
    assert export.status_code == 200
    [entry] = export.json()["applications"]
    assert entry["messages"] == [
        {"from": "employer", "body": "See you Tuesday.", "at": entry["messages"][0]["at"]}
    ]
    assert employer_user.user.name not in export.text
