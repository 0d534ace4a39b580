"""The roster import as a function: every bad row named by its line, all or nothing unless
bad rows are skipped, idempotent by student_id, claimable accounts for new graduates."""

from __future__ import annotations

import json

import pytest
from sqlmodel import func, select

from placement.cli import main
from placement.models import AuditEvent, Graduate, Message, OneTimeToken, User
from placement.services import Actor, roster
from tests import factories

HEADER = "student_id,first_name,last_name,email,program,graduation_date,training_hours"
GOOD = [
    "S100,Nia,Okafor,nia@example.com,Medical Massage Therapy,2025-06-15,750",
    "S101,Tomás,Rivera,tomas@example.com,Medical Massage Therapy,2025-06-15,800",
    "S102,Mei,Tanaka,mei@example.com,Massage Therapy,2024-12-12,600",
]


def csv_bytes(*rows: str, header: str = HEADER, newline: str = "\n") -> bytes:
    return newline.join([header, *rows]).encode() + newline.encode()


def _import(db, settings, data: bytes, *, skip: bool = False) -> roster.ImportResult:
    result = roster.import_roster(
        db, settings, data, skip_bad_rows=skip, actor=Actor(user_id=None, role="cli")
    )
    db.commit()
    return result


def _count(db, model) -> int:
    return db.exec(select(func.count()).select_from(model)).one()


class TestParse:
    @pytest.mark.parametrize(
        ("row", "message"),
        [
            ("S1,,Okafor,n@example.com,MMT,2025-06-15,750", "first_name is empty"),
            ("S1,Nia,Okafor,not-an-email,MMT,2025-06-15,750", "not an e-mail address"),
            ("S1,Nia,Okafor,n@example.com,MMT,15/06/2025,750", "not a date as YYYY-MM-DD"),
            ("S1,Nia,Okafor,n@example.com,MMT,2025-02-30,750", "not a date"),
            ("S1,Nia,Okafor,n@example.com,MMT,2025-06-15,seven", "not a whole number"),
            ("S1,Nia,Okafor,n@example.com,MMT,2025-06-15,-5", "not a whole number"),
            ("S1,Nia,Okafor,n@example.com,MMT,2025-06-15,99999", "more than 10,000"),
            ("S1,Nia,Okafor,n@example.com,MMT,2025-06-15", "Expected 7 values, found 6"),
            ("S1,Nia,Okafor,n@example.com,MMT,2025-06-15,750,extra", "found 8"),
            ("S 1,Nia,Okafor,n@example.com,MMT,2025-06-15,750", "student_id"),
            ("S1,Nia,Okafor,n@example.com," + "x" * 201 + ",2025-06-15,750", "longer than 200"),
        ],
    )
    def test_it_names_each_kind_of_bad_row_with_its_line(self, row, message):
        rows, errors = roster.parse(csv_bytes(GOOD[0], row))
        assert len(rows) == 1
        assert len(errors) == 1
        assert errors[0].line == 3
        assert message in errors[0].message

    def test_it_reports_duplicate_student_ids_and_emails_within_the_file(self):
        _rows, errors = roster.parse(
            csv_bytes(
                GOOD[0],
                "S100,Nia,Other,nia2@example.com,MMT,2025-06-15,750",
                "S200,Zed,Other,NIA@example.com,MMT,2025-06-15,750",
            )
        )
        assert [(e.line, "line 2" in e.message) for e in errors] == [(3, True), (4, True)]

    @pytest.mark.parametrize(
        "header",
        [
            "student_id,first_name,last_name,email,program,graduation_date",
            "id,first,last,mail,program,date,hours",
            "student_id,first_name,last_name,email,program,training_hours,graduation_date",
        ],
    )
    def test_a_bad_header_is_line_1(self, header):
        rows, errors = roster.parse(csv_bytes(GOOD[0], header=header))
        assert rows == []
        assert errors[0].line == 1

    def test_a_file_without_a_header_says_so(self):
        _rows, errors = roster.parse(csv_bytes(GOOD[1], header=GOOD[0]))
        assert errors[0].line == 1 and "header" in errors[0].message

    def test_an_empty_file(self):
        assert roster.parse(b"")[1][0].line == 1

    def test_bom_crlf_quotes_and_blank_lines(self):
        data = b"\xef\xbb\xbf" + csv_bytes(
            '"S300","Ana, Maria",Lopez,ana@example.com,"Massage, Medical",2025-06-15,700',
            "",
            GOOD[0],
            newline="\r\n",
        )
        rows, errors = roster.parse(data)
        assert errors == []
        assert [row.first_name for row in rows] == ["Ana, Maria", "Nia"]
        assert [row.line for row in rows] == [2, 4]

    def test_header_case_and_spaces_are_forgiven(self):
        rows, errors = roster.parse(csv_bytes(GOOD[0], header=HEADER.upper().replace(",", ", ")))
        assert errors == [] and len(rows) == 1

    def test_bytes_that_are_not_utf8_name_their_row(self):
        data = csv_bytes(GOOD[0]) + "S9,Jos\xe9,Ruiz,jose@example.com,MMT,2025-06-15,700\n".encode(
            "latin-1"
        )
        rows, errors = roster.parse(data)
        assert len(rows) == 1
        assert errors[0].line == 3 and "UTF-8" in errors[0].message

    def test_a_nul_byte_is_a_row_error(self):
        rows, errors = roster.parse(csv_bytes("S1,N\x00a,Okafor,n@example.com,MMT,2025-06-15,7"))
        assert rows == [] and errors[0].line == 2

    def test_line_numbers_count_physical_lines_of_multiline_cells(self):
        rows, errors = roster.parse(
            csv_bytes('S1,"Nia",Okafor,n@example.com,"Medical\nMassage",2025-06-15,700', "bad")
        )
        assert errors[0].line == 2  # the program spans lines 2-3
        assert errors[1].line == 4


class TestImport:
    def test_good_rows_create_verified_claimable_graduates(self, db, settings):
        result = _import(db, settings, csv_bytes(*GOOD))

        assert result.imported and result.created == 3 and result.errors == []
        nia = db.exec(select(Graduate).where(Graduate.student_id == "S100")).one()
        assert nia.verified_at is not None
        assert nia.cohort == 2025 and nia.training_hours == 750
        user = db.get(User, nia.user_id)
        assert user.role == "graduate" and user.password_hash is None
        token = db.exec(select(OneTimeToken).where(OneTimeToken.user_id == user.id)).one()
        assert token.purpose == "invite"
        message = db.exec(select(Message).where(Message.recipient_user_id == user.id)).one()
        assert "/account/setup/" in message.body
        assert list(settings.mail_dir.glob("*.eml"))
        (event,) = db.exec(select(AuditEvent).where(AuditEvent.action == "roster.imported")).all()
        assert json.loads(event.after)["created"] == 3

    def test_one_bad_row_imports_nothing_and_names_the_line(self, db, settings):
        result = _import(
            db,
            settings,
            csv_bytes(GOOD[0], GOOD[1], "S103,Bad,Date,bad@example.com,MMT,2025-13-01,1"),
        )

        assert not result.imported
        assert [(e.line, "graduation_date" in e.message) for e in result.errors] == [(4, True)]
        assert _count(db, Graduate) == 0
        assert _count(db, User) == 0
        assert "Nothing imported" in result.summary()

    def test_skipping_bad_rows_imports_the_good_ones(self, db, settings):
        result = _import(
            db,
            settings,
            csv_bytes(GOOD[0], "S103,,Date,bad@example.com,MMT,2025-01-01,1", GOOD[2]),
            skip=True,
        )
        assert result.imported and result.created == 2 and result.skipped == 1
        assert result.errors[0].line == 3
        assert _count(db, Graduate) == 2

    def test_importing_twice_creates_no_duplicates(self, db, settings):
        _import(db, settings, csv_bytes(*GOOD))
        again = _import(db, settings, csv_bytes(*GOOD))

        assert again.imported and again.created == 0 and again.unchanged == 3
        assert _count(db, Graduate) == 3
        assert _count(db, User) == 3
        assert _count(db, OneTimeToken) == 3

    def test_a_changed_row_updates_the_existing_graduate(self, db, settings):
        _import(db, settings, csv_bytes(*GOOD))
        changed = GOOD[0].replace(",750", ",900").replace("Okafor", "Okafor-Reyes")
        result = _import(db, settings, csv_bytes(changed, GOOD[1], GOOD[2]))

        assert (result.created, result.updated, result.unchanged) == (0, 1, 2)
        db.expire_all()
        nia = db.exec(select(Graduate).where(Graduate.student_id == "S100")).one()
        assert (nia.last_name, nia.training_hours) == ("Okafor-Reyes", 900)

    def test_an_email_used_by_another_account_is_a_row_error(self, db, settings):
        factories.user(db, email="tomas@example.com", role="employer")
        result = _import(db, settings, csv_bytes(*GOOD))
        assert not result.imported
        assert [
            (e.line, "already used by another account" in e.message) for e in result.errors
        ] == [(3, True)]

    def test_a_registered_graduate_on_the_roster_is_verified_not_duplicated(self, db, settings):
        person = factories.graduate(
            db, email="nia@example.com", student_id="S100", verified=False, first_name="Nia"
        )
        result = _import(db, settings, csv_bytes(GOOD[0]))
        assert result.imported and result.updated == 1
        db.expire_all()
        assert db.get(Graduate, person.graduate.id).verified_at is not None
        assert _count(db, Graduate) == 1

    def test_a_huge_roster_is_refused_cleanly(self, db, settings):
        rows = [f"S{n},A,B,a{n}@example.com,P,2025-06-15,1" for n in range(roster.MAX_ROWS + 5)]
        result = _import(db, settings, csv_bytes(*rows))
        assert not result.imported
        assert "more than" in result.errors[-1].message


class TestCommandLine:
    def test_it_imports_a_file_and_reports_bad_lines(
        self, tmp_path, settings, db, monkeypatch, capsys
    ):
        monkeypatch.setenv("DATABASE_URL", settings.database_url)
        monkeypatch.setenv("PLACEMENT_ENV", "test")
        path = tmp_path / "roster.csv"
        path.write_bytes(csv_bytes(GOOD[0], "S1,,x,x@example.com,P,2025-06-15,1"))

        assert main(["import-graduates", str(path)]) == 1
        captured = capsys.readouterr()
        assert "line 3: first_name is empty" in captured.err
        assert "Nothing imported" in captured.out

        assert main(["import-graduates", str(path), "--skip-bad-rows"]) == 0
        assert "1 new" in capsys.readouterr().out
        db.expire_all()
        assert _count(db, Graduate) == 1
