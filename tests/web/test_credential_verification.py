"""Staff verify credentials with a method and a note, one at a time or a selection at once;
each code links its issuing body's look-up; the graduate page shows who verified, how, when,
and the history of renewals; the queue of credentials expiring within 30 days."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlmodel import select

from placement import dates, taxonomy
from placement.models import AuditEvent, GraduateCredential
from tests import factories


def _reload(db, credential_id) -> GraduateCredential:
    db.expire_all()
    return db.get(GraduateCredential, credential_id)


class TestVerifyOne:
    def test_it_records_method_note_who_and_when(self, as_staff, db, graduate_user, staff_user):
        card = factories.credential(db, graduate_user.graduate.id, "camtc", verified=False)
        response = as_staff.submit(
            f"/staff/credentials/{card.id}/verify",
            {"method": "primary_source", "note": "CAMTC search: active, CMT"},
        )
        assert response.status_code == 303
        verified = _reload(db, card.id)
        assert verified.verified_by == staff_user.id and verified.verified_at is not None
        assert verified.verification_method == "primary_source"
        assert verified.verification_note == "CAMTC search: active, CMT"
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "credential.verified")).one()
        assert event.object_id == card.id and "primary_source" in event.after
        assert "12345" not in event.detail  # the licence number stays out of the log
        page = as_staff.get(f"/staff/graduates/{graduate_user.graduate.id}").text
        assert f"by {staff_user.name}" in page and "Checked with the issuing body" in page
        assert "CAMTC search: active, CMT" in page

    def test_the_graduate_sees_how_and_when(self, as_staff, as_graduate, db, graduate_user):
        card = factories.credential(db, graduate_user.graduate.id, "camtc", verified=False)
        as_staff.submit(f"/staff/credentials/{card.id}/verify", {"method": "document_reviewed"})
        page = as_graduate.get("/me/credentials").text
        assert "verified by career services" in page and "Document reviewed" in page

    def test_the_form_of_the_first_release_still_verifies(self, as_staff, db, graduate_user):
        card = factories.credential(db, graduate_user.graduate.id, "tb_test", verified=False)
        assert as_staff.submit(f"/staff/credentials/{card.id}/verify").status_code == 303
        assert _reload(db, card.id).verification_method == "other"

    @pytest.mark.parametrize(
        ("form", "message"),
        [
            ({"method": "gut_feeling"}, "Choose one of the options offered"),
            ({"method": "other", "note": "x" * 2001}, "at most 2000 characters"),
        ],
    )
    def test_it_refuses_bad_input(self, as_staff, db, graduate_user, form, message):
        card = factories.credential(db, graduate_user.graduate.id, "tb_test", verified=False)
        response = as_staff.submit(f"/staff/credentials/{card.id}/verify", form)
        assert response.status_code == 422 and message in response.text
        assert _reload(db, card.id).verified_at is None

    def test_graduates_and_employers_cannot_verify(
        self, as_graduate, as_employer, db, graduate_user
    ):
        card = factories.credential(db, graduate_user.graduate.id, "tb_test", verified=False)
        for client in (as_graduate, as_employer):
            response = client.submit(f"/staff/credentials/{card.id}/verify", {"method": "other"})
            assert response.status_code == 403
        assert _reload(db, card.id).verified_at is None


class TestBulk:
    def test_it_verifies_a_selection_with_one_audit_event_each(
        self, as_staff, db, graduate_user, other_graduate_user
    ):
        cards = [
            factories.credential(db, graduate_user.graduate.id, "bls_cpr", verified=False),
            factories.credential(db, graduate_user.graduate.id, "tb_test", verified=False),
            factories.credential(db, other_graduate_user.graduate.id, "camtc", verified=False),
        ]
        left = factories.credential(
            db, other_graduate_user.graduate.id, "first_aid", verified=False
        )
        page = as_staff.get("/staff/credentials?show=unverified").text
        assert 'action="/staff/credentials/verify"' in page
        assert page.count('name="credential_ids"') == 4
        response = as_staff.submit(
            "/staff/credentials/verify",
            {
                "credential_ids": [str(card.id) for card in cards],
                "method": "document_reviewed",
                "note": "cards seen at the open day",
                "next": "/staff/credentials?show=unverified",
            },
        )
        assert response.status_code == 303
        assert "Verified 3 credentials" in as_staff.get(response.headers["location"]).text
        for card in cards:
            verified = _reload(db, card.id)
            assert verified.verification_method == "document_reviewed"
            assert verified.verification_note == "cards seen at the open day"
        assert _reload(db, left.id).verified_at is None
        events = db.exec(select(AuditEvent).where(AuditEvent.action == "credential.verified")).all()
        assert sorted(event.object_id for event in events) == sorted(card.id for card in cards)

    def test_already_verified_ones_are_left_as_they_were(self, as_staff, db, graduate_user):
        done = factories.credential(db, graduate_user.graduate.id, "bls_cpr", verified=True)
        todo = factories.credential(db, graduate_user.graduate.id, "tb_test", verified=False)
        response = as_staff.submit(
            "/staff/credentials/verify",
            {"credential_ids": [str(done.id), str(todo.id)], "method": "other"},
        )
        assert response.status_code == 303
        assert "the others were verified already" in as_staff.get(response.headers["location"]).text
        assert _reload(db, done.id).verification_method is None
        assert _reload(db, todo.id).verification_method == "other"

    @pytest.mark.parametrize(
        ("form", "status"),
        [
            ({"method": "other"}, 422),  # nothing selected
            ({"credential_ids": ["999999"], "method": "other"}, 404),
            ({"credential_ids": ["abc"], "method": "other"}, 404),
            ({"credential_ids": ["{card}"], "method": "nope"}, 422),
        ],
    )
    def test_it_refuses_bad_input_and_verifies_nothing(
        self, as_staff, db, graduate_user, form, status
    ):
        card = factories.credential(db, graduate_user.graduate.id, "bls_cpr", verified=False)
        form = {
            key: [value.format(card=card.id) for value in values]
            if isinstance(values, list)
            else values
            for key, values in form.items()
        }
        assert as_staff.submit("/staff/credentials/verify", form).status_code == status
        assert _reload(db, card.id).verified_at is None
        assert (
            db.exec(select(AuditEvent).where(AuditEvent.action == "credential.verified")).all()
            == []
        )

    def test_a_missing_id_among_good_ones_verifies_none(self, as_staff, db, graduate_user):
        card = factories.credential(db, graduate_user.graduate.id, "bls_cpr", verified=False)
        response = as_staff.submit(
            "/staff/credentials/verify",
            {"credential_ids": [str(card.id), "999999"], "method": "other"},
        )
        assert response.status_code == 404
        assert _reload(db, card.id).verified_at is None


def test_two_staff_verifying_at_once_give_one_verification(make_client, db, graduate_user):
    cards = [
        factories.credential(db, graduate_user.graduate.id, code, verified=False)
        for code in ("bls_cpr", "tb_test", "first_aid")
    ]
    clients = []
    for _ in range(3):
        staff = factories.user(db, role="staff")
        client = make_client()
        client.login(staff.email)
        clients.append(client)
    statuses: list[int] = []

    def verify(client):
        response = client.submit(
            "/staff/credentials/verify",
            {"credential_ids": [str(card.id) for card in cards], "method": "other"},
        )
        statuses.append(response.status_code)

    threads = [threading.Thread(target=verify, args=(client,)) for client in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [303, 303, 303]
    events = db.exec(select(AuditEvent).where(AuditEvent.action == "credential.verified")).all()
    assert sorted(event.object_id for event in events) == sorted(card.id for card in cards)


class TestLookupsAndHistory:
    @pytest.mark.parametrize(
        ("code", "state", "body"),
        [
            ("camtc", "CA", "CAMTC"),
            ("ncbtmb_board_certified", None, "NCBTMB"),
            ("bls_cpr", None, "American Heart Association"),
            ("state_license", "FL", "Florida Board of Massage Therapy"),
            ("state_license", "OR", "FSMTB"),
        ],
    )
    def test_each_code_links_its_issuing_body(self, as_staff, db, graduate_user, code, state, body):
        factories.credential(db, graduate_user.graduate.id, code, state=state, verified=False)
        lookup = taxonomy.credential_lookup(code, state)
        assert lookup is not None and body in lookup.body
        for url in (f"/staff/graduates/{graduate_user.graduate.id}", "/staff/credentials"):
            page = as_staff.get(url).text
            assert f'href="{lookup.url}"' in page and 'rel="noopener noreferrer"' in page

    def test_a_credential_without_a_public_look_up_says_so(self, as_staff, db, graduate_user):
        factories.credential(db, graduate_user.graduate.id, "liability_insurance", verified=False)
        assert taxonomy.credential_lookup("liability_insurance") is None
        assert "no public look-up" in as_staff.get("/staff/credentials").text

    def test_staff_see_the_earlier_versions(self, as_staff, as_graduate, db, graduate_user):
        card = factories.credential(db, graduate_user.graduate.id, "bls_cpr", number="OLD-1")
        as_graduate.submit(
            f"/me/credentials/{card.id}/edit",
            {
                "number": "NEW-2",
                "state": "CA",
                "issued_on": "2025-01-01",
                "expires_on": "",
                "version": "1",
            },
        )
        page = as_staff.get(f"/staff/graduates/{graduate_user.graduate.id}").text
        assert "Earlier versions of BLS/CPR (1)" in page
        assert "OLD-1" in page and "NEW-2" in page and "version 2" in page


class TestExpiringQueue:
    def test_it_lists_cards_expiring_within_30_days_across_graduates(
        self, as_staff, db, graduate_user, other_graduate_user
    ):
        today = dates.today()
        factories.credential(
            db, graduate_user.graduate.id, "bls_cpr", expires_on=today + timedelta(days=3)
        )
        factories.credential(
            db, other_graduate_user.graduate.id, "tb_test", expires_on=today + timedelta(days=30)
        )
        factories.credential(
            db, graduate_user.graduate.id, "camtc", expires_on=today + timedelta(days=31)
        )
        factories.credential(
            db, graduate_user.graduate.id, "first_aid", expires_on=today - timedelta(days=1)
        )
        page = as_staff.get("/staff/credentials?show=expiring").text
        assert "expiring within 30 days" in page
        assert (today + timedelta(days=3)).isoformat() in page
        assert (today + timedelta(days=30)).isoformat() in page
        assert (today + timedelta(days=31)).isoformat() not in page
        assert (today - timedelta(days=1)).isoformat() not in page
        assert "within 30 days" in as_staff.get("/staff").text
