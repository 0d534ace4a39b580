"""The roster upload page: POST /staff/import/graduates (multipart `roster`, `skip_bad_rows`)."""

from __future__ import annotations

from sqlmodel import func, select

from placement.models import AuditEvent, Graduate, Message

HEADER = "student_id,first_name,last_name,email,program,graduation_date,training_hours"
GOOD = [
    "S100,Nia,Okafor,nia@example.com,Medical Massage Therapy,2025-06-15,750",
    "S101,Tomas,Rivera,tomas@example.com,Medical Massage Therapy,2025-06-15,800",
]
BAD = "S102,Mei,Tanaka,mei@example,Massage Therapy,2024-12-12,600"


def _file(*rows: str) -> dict:
    content = ("\r\n".join([HEADER, *rows]) + "\r\n").encode()
    return {"roster": ("roster.csv", content, "text/csv")}


def _upload(client, *rows: str, data: dict | None = None):
    """Upload a roster; a successful import answers 303 to its result page, which is read."""
    response = client.submit("/staff/import/graduates", data or {}, files=_file(*rows))
    if response.status_code == 303:
        location = response.headers["location"]
        assert location.startswith("/staff/import/graduates?result=")
        return client.get(location)
    return response


def _graduates(db) -> int:
    db.expire_all()
    return db.exec(select(func.count()).select_from(Graduate)).one()


class TestImportPage:
    def test_it_shows_the_form_and_the_columns(self, as_staff):
        page = as_staff.get("/staff/import/graduates")
        assert page.status_code == 200
        assert 'enctype="multipart/form-data"' in page.text
        assert HEADER in page.text
        assert 'name="skip_bad_rows"' in page.text


class TestImportUpload:
    def test_it_imports_a_good_file(self, as_staff, db):
        response = _upload(as_staff, *GOOD)

        assert response.status_code == 200
        assert "Imported 2 graduates: 2 new" in response.text
        assert _graduates(db) == 2
        messages = db.exec(select(Message).where(Message.kind == "roster_invite")).all()
        assert len(messages) == 2
        assert all("http://testserver/account/setup/" in m.body for m in messages)
        assert db.exec(select(AuditEvent).where(AuditEvent.action == "roster.imported")).one()

    def test_one_bad_row_imports_nothing_and_names_the_line(self, as_staff, db):
        response = _upload(as_staff, GOOD[0], BAD, GOOD[1])

        assert response.status_code == 422
        assert "Nothing imported" in response.text
        assert '<td class="num">3</td><td>email' in response.text
        assert _graduates(db) == 0

    def test_skip_bad_rows_imports_the_rest(self, as_staff, db):
        response = _upload(as_staff, GOOD[0], BAD, GOOD[1], data={"skip_bad_rows": "1"})
        assert response.status_code == 200
        assert "1 bad row skipped" in response.text
        assert '<td class="num">3</td>' in response.text
        assert _graduates(db) == 2

    def test_importing_twice_creates_no_duplicates(self, as_staff, db):
        _upload(as_staff, *GOOD)
        again = _upload(as_staff, *GOOD)
        assert "0 new, 0 updated, 2 unchanged" in again.text
        assert _graduates(db) == 2

    def test_an_imported_graduate_claims_the_account_by_the_link(self, as_staff, db, make_client):
        import re

        _upload(as_staff, GOOD[0])
        message = db.exec(select(Message).where(Message.kind == "roster_invite")).one()
        link = re.search(r"http://testserver(/account/setup/\S+)", message.body).group(1)
        person = make_client()
        assert person.get(link).status_code == 200
        response = person.submit(link, {"password": "a long enough passphrase"})
        assert response.status_code == 303
        assert response.headers["location"] == "/me"
        assert person.get("/api/v1/me").json()["email"] == "nia@example.com"

    def test_a_success_answers_303_and_a_reload_repeats_nothing(self, as_staff, db):
        response = as_staff.submit("/staff/import/graduates", files=_file(*GOOD))
        assert response.status_code == 303
        page = as_staff.get(response.headers["location"])
        again = as_staff.get(response.headers["location"])
        assert page.text.count("Imported 2 graduates") == 1
        assert again.status_code == 200
        assert _graduates(db) == 2

    def test_an_unknown_result_shows_the_empty_form(self, as_staff):
        for value in ("999999", "abc", "1" * 40):
            page = as_staff.get(f"/staff/import/graduates?result={value}")
            assert page.status_code == 200 and "unchanged" not in page.text

    def test_a_missing_file_is_a_form_error(self, as_staff):
        response = as_staff.submit("/staff/import/graduates", {"skip_bad_rows": "1"})
        assert response.status_code == 422
        assert "Choose the roster CSV file" in response.text

    def test_binary_garbage_never_crashes(self, as_staff, db):
        response = as_staff.submit(
            "/staff/import/graduates",
            files={"roster": ("roster.csv", bytes(range(256)) * 40, "application/octet-stream")},
        )
        assert response.status_code == 422
        assert _graduates(db) == 0

    def test_a_file_over_the_body_cap_is_refused(self, as_staff, settings):
        big = b"x" * (settings.max_body_bytes + 10)
        response = as_staff.submit(
            "/staff/import/graduates", files={"roster": ("roster.csv", big, "text/csv")}
        )
        assert response.status_code == 413
