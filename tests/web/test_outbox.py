"""Staff see the mail the SMTP server refused for good."""

from __future__ import annotations

from placement.models import MailStatus, Message, utcnow


class TestFailedMail:
    def test_it_lists_refused_mail_for_staff(self, as_staff, db):
        db.add(
            Message(
                recipient_email="gone@example.com",
                subject="Your referral",
                kind="referral",
                status=MailStatus.FAILED,
                failed_at=utcnow(),
                last_error="550 5.1.1 No such user here",
            )
        )
        db.add(Message(recipient_email="fine@example.com", subject="Sent", status="sent"))
        db.commit()
        page = as_staff.get("/staff/mail")
        assert page.status_code == 200
        assert "gone@example.com" in page.text and "550 5.1.1 No such user here" in page.text
        assert "fine@example.com" not in page.text

    def test_it_says_when_mail_waits_for_the_server(self, as_staff, db):
        db.add(Message(recipient_email="a@example.com", subject="s", attempts=2))
        db.commit()
        assert "1 message waits for the mail server" in as_staff.get("/staff/mail").text

    def test_it_is_for_staff_only(self, as_graduate):
        assert as_graduate.get("/staff/mail").status_code == 403
