"""GET, POST /me/credentials/{id}/edit: the code stays, a new number, state or date renews the
credential (verification cleared, the earlier version kept in its history)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlmodel import select

from placement import dates
from placement.models import AuditEvent, CredentialVersion, GraduateCredential
from tests import factories


def _form(credential: GraduateCredential, **changes: str) -> dict[str, str]:
    values = {
        "number": credential.number,
        "state": credential.state or "",
        "issued_on": credential.issued_on.isoformat() if credential.issued_on else "",
        "expires_on": credential.expires_on.isoformat() if credential.expires_on else "",
        "version": str(credential.version),
    }
    return {**values, **changes}


def _reload(db, credential_id: int) -> GraduateCredential:
    db.expire_all()
    return db.get(GraduateCredential, credential_id)


@pytest.fixture
def licence(db, graduate_user):
    return factories.credential(
        db,
        graduate_user.graduate.id,
        "state_license",
        state="CA",
        number="MT-1",
        expires_on=dates.today() + timedelta(days=20),
        verified=True,
    )


class TestEditPage:
    def test_it_shows_the_current_values(self, as_graduate, licence):
        page = as_graduate.get(f"/me/credentials/{licence.id}/edit")
        assert page.status_code == 200
        assert 'value="MT-1"' in page.text and "State massage licence" in page.text
        assert 'name="code"' not in page.text  # the code is shown, never a field

    def test_the_list_links_the_edit_page(self, as_graduate, licence):
        assert f"/me/credentials/{licence.id}/edit" in as_graduate.get("/me/credentials").text

    def test_it_answers_404_for_another_graduates_credential(self, as_other_graduate, licence):
        assert as_other_graduate.get(f"/me/credentials/{licence.id}/edit").status_code == 404
        form = _form(licence, number="MINE")
        response = as_other_graduate.submit(f"/me/credentials/{licence.id}/edit", form)
        assert response.status_code == 404

    def test_it_answers_404_for_a_missing_credential(self, as_graduate):
        assert as_graduate.get("/me/credentials/999999/edit").status_code == 404


class TestRenewal:
    def test_a_new_expiry_date_renews_and_keeps_the_earlier_version(self, as_graduate, db, licence):
        new_expiry = (dates.today() + timedelta(days=730)).isoformat()
        old_expiry = licence.expires_on
        response = as_graduate.submit(
            f"/me/credentials/{licence.id}/edit", _form(licence, expires_on=new_expiry)
        )
        assert response.status_code == 303
        assert response.headers["location"] == "/me/credentials?done=renewed"
        renewed = _reload(db, licence.id)
        assert renewed.expires_on.isoformat() == new_expiry
        assert renewed.version == 2
        assert renewed.verified_at is None and renewed.verified_by is None
        old = db.exec(select(CredentialVersion)).one()
        assert (old.credential_id, old.version, old.number) == (licence.id, 1, "MT-1")
        assert old.expires_on == old_expiry and old.verified_at is not None
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "credential.renewed")).one()
        assert "MT-1" not in (event.before or "") + (event.after or "") + event.detail
        assert "Renewed" in as_graduate.get(response.headers["location"]).text
        page = as_graduate.get(f"/me/credentials/{licence.id}/edit").text
        assert "Earlier versions" in page and "MT-1" in page

    @pytest.mark.parametrize(
        "change",
        [{"number": "MT-2"}, {"state": "NV"}, {"issued_on": "2025-02-01"}, {"expires_on": ""}],
    )
    def test_each_renewal_field_makes_a_new_version(self, as_graduate, db, licence, change):
        response = as_graduate.submit(
            f"/me/credentials/{licence.id}/edit", _form(licence, **change)
        )
        assert response.status_code == 303
        renewed = _reload(db, licence.id)
        assert renewed.version == 2 and renewed.verified_at is None

    def test_an_edit_that_changes_nothing_keeps_the_verification(self, as_graduate, db, licence):
        response = as_graduate.submit(f"/me/credentials/{licence.id}/edit", _form(licence))
        assert response.status_code == 303
        assert response.headers["location"] == "/me/credentials?done=unchanged"
        kept = _reload(db, licence.id)
        assert kept.version == 1 and kept.verified_at is not None
        assert db.exec(select(CredentialVersion)).all() == []

    def test_two_renewals_from_one_form_make_one_version(self, as_graduate, db, licence):
        url = f"/me/credentials/{licence.id}/edit"
        assert as_graduate.submit(url, _form(licence, number="MT-2")).status_code == 303
        stale = as_graduate.submit(url, _form(licence, number="MT-3"))
        assert stale.status_code == 409
        assert "changed in another window" in stale.text
        assert 'value="MT-3"' in stale.text and 'name="version" value="2"' in stale.text
        assert _reload(db, licence.id).number == "MT-2"


class TestBadInput:
    @pytest.mark.parametrize(
        ("change", "status", "message"),
        [
            ({"code": "camtc"}, 422, "cannot change"),
            ({"expires_on": "2024-12-31"}, 422, "must come after the issue date"),
            ({"issued_on": "2099-01-01", "expires_on": ""}, 422, "cannot be in the future"),
            ({"state": "ZZ"}, 422, "Choose the US state"),
            ({"state": ""}, 422, "This field is required"),
            ({"issued_on": "soon"}, 422, "YYYY-MM-DD"),
            ({"number": "9" * 61}, 422, "at most 60 characters"),
            ({"version": "x"}, 422, "whole number"),
        ],
    )
    def test_it_refuses_and_changes_nothing(
        self, as_graduate, db, graduate_user, licence, change, status, message
    ):
        other = factories.credential(db, graduate_user.graduate.id, "bls_cpr", number="B-1")
        response = as_graduate.submit(
            f"/me/credentials/{licence.id}/edit", _form(licence, **change)
        )
        assert response.status_code == status
        assert message in response.text
        kept = _reload(db, licence.id)
        assert (kept.code, kept.number, kept.version) == ("state_license", "MT-1", 1)
        assert kept.verified_at is not None
        assert _reload(db, other.id).number == "B-1"
        assert db.exec(select(CredentialVersion)).all() == []


def test_simultaneous_renewals_make_one_new_version_each_in_turn(make_client, graduate_user, db):
    """Two browsers renew one card at once from the same form: one saves, the other is told."""
    licence = factories.credential(db, graduate_user.graduate.id, "bls_cpr", number="B-1")
    clients = [make_client() for _ in range(4)]
    for client in clients:
        client.login(graduate_user.user.email)
    statuses: list[int] = []

    def renew(client, number):
        response = client.submit(
            f"/me/credentials/{licence.id}/edit", _form(licence, number=number)
        )
        statuses.append(response.status_code)

    threads = [
        threading.Thread(target=renew, args=(client, f"B-{i + 2}"))
        for i, client in enumerate(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [303, 409, 409, 409]
    db.expire_all()
    assert [row.version for row in db.exec(select(CredentialVersion)).all()] == [1]
    assert _reload(db, licence.id).version == 2
