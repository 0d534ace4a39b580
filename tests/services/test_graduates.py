"""The graduates' services without HTTP: profile rules, credential status, completeness,
résumé checks and storage that follows the transaction."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import select

from placement import taxonomy
from placement.models import Graduate, GraduateCredential, GraduateModality
from placement.services import Actor, Conflict, DomainError, NotFound, resumes
from placement.services import graduates as service
from tests import factories

TODAY = date(2026, 3, 1)


def _profile(**changes) -> service.ProfileInput:
    values = {
        "first_name": "Ana",
        "last_name": "Lopez",
        "program": "Medical Massage Therapy (750 hours)",
        "graduation_date": date(2023, 6, 15),
        "training_hours": 750,
        "clinical_hours": 100,
        "zip": "90802",
        "travel_radius_miles": 20,
        "settings": ["hospice"],
        "employment_types": ["part_time"],
        "availability": ["tue-pm"],
        "pay_expectation": 30.0,
        "bio": "Hello",
        "visibility": "staff",
        "seeking": "seeking",
    }
    values.update(changes)
    return service.ProfileInput(**values)


class TestTaxonomyUse:
    def test_the_modality_groups_hold_every_modality_exactly_once(self):
        grouped = [code for _, codes in service.MODALITY_GROUPS for code in codes]
        assert sorted(grouped) == sorted(taxonomy.MODALITIES)
        assert len(grouped) == len(set(grouped))

    def test_the_states_are_two_letter_codes_with_california(self):
        assert "CA" in service.US_STATES and "DC" in service.US_STATES
        assert all(len(code) == 2 and code.isupper() for code in service.US_STATES)
        assert len(service.US_STATES) >= 51


class TestUpdateProfile:
    @pytest.fixture(autouse=True)
    def _not_verified_yet(self, db, graduate_user):
        # Roster fields are read-only once verified (tests/web/test_roster_fields.py).
        graduate_user.graduate.verified_at = None
        db.add(graduate_user.graduate)
        db.commit()

    def test_it_saves_and_moves_the_graduate_to_the_new_cohort(self, db, graduate_user):
        graduate = graduate_user.graduate
        service.update_profile(
            db,
            graduate_id=graduate.id,
            actor=Actor(user_id=graduate_user.user.id, role="graduate"),
            version=1,
            data=_profile(),
            modalities={"oncology": 2, "thai": 0},
        )
        db.commit()
        db.expire_all()
        saved = db.get(Graduate, graduate.id)
        assert saved.cohort == 2023 and saved.version == 2
        rows = db.exec(select(GraduateModality).where(GraduateModality.graduate_id == graduate.id))
        assert [(row.code, row.proficiency) for row in rows] == [("oncology", 2)]

    def test_it_refuses_a_stale_version(self, db, graduate_user):
        with pytest.raises(Conflict):
            service.update_profile(
                db,
                graduate_id=graduate_user.graduate.id,
                actor=Actor(user_id=graduate_user.user.id, role="graduate"),
                version=7,
                data=_profile(),
                modalities={},
            )

    @pytest.mark.parametrize(
        ("changes", "modalities", "field"),
        [
            ({"visibility": "world"}, {}, "visibility"),
            ({"seeking": "maybe"}, {}, "seeking"),
            ({"settings": ["spa"]}, {}, "settings"),
            ({"availability": ["mon-night"]}, {}, "availability"),
            ({}, {"oncology": 4}, "modality_oncology"),
            ({}, {"juggling": 1}, "modality_juggling"),
        ],
    )
    def test_it_checks_codes_for_any_caller(self, db, graduate_user, changes, modalities, field):
        with pytest.raises(DomainError) as refused:
            service.update_profile(
                db,
                graduate_id=graduate_user.graduate.id,
                actor=Actor(user_id=graduate_user.user.id, role="graduate"),
                version=1,
                data=_profile(**changes),
                modalities=modalities,
            )
        assert refused.value.field == field

    def test_it_does_not_know_a_deleted_graduate(self, db, graduate_user):
        graduate_user.graduate.deleted_at = graduate_user.graduate.created_at
        db.add(graduate_user.graduate)
        db.commit()
        with pytest.raises(NotFound):
            service.get_graduate(db, graduate_user.graduate.id)


class TestCredentials:
    def _credential(self, **fields) -> GraduateCredential:
        return GraduateCredential(graduate_id=1, code="bls_cpr", **fields)

    @pytest.mark.parametrize(
        ("fields", "code", "text"),
        [
            ({"verified_at": TODAY}, "verified", "verified"),
            ({}, "unverified", "awaiting verification"),
            ({"expires_on": TODAY - timedelta(days=1)}, "expired", "expired on 2026-02-28"),
            ({"expires_on": TODAY}, "expiring", "expires today · awaiting verification"),
            ({"expires_on": TODAY + timedelta(days=1)}, "expiring", "expires in 1 day"),
            (
                {"expires_on": TODAY + timedelta(days=60), "verified_at": TODAY},
                "expiring",
                "expires in 60 days · verified",
            ),
            ({"expires_on": TODAY + timedelta(days=61)}, "unverified", "awaiting verification"),
        ],
    )
    def test_the_status_says_what_matters_first(self, fields, code, text):
        status = service.credential_status(self._credential(**fields), TODAY)
        assert status.code == code
        assert status.text.startswith(text)

    def test_warnings_are_the_expired_and_expiring_soonest_first(self):
        credentials = [
            GraduateCredential(
                id=1, graduate_id=1, code="tb_test", expires_on=TODAY + timedelta(9)
            ),
            GraduateCredential(
                id=2, graduate_id=1, code="camtc", expires_on=TODAY + timedelta(300)
            ),
            GraduateCredential(
                id=3, graduate_id=1, code="bls_cpr", expires_on=TODAY - timedelta(5)
            ),
        ]
        warnings = service.credential_warnings(credentials, TODAY)
        assert [warning.code for warning in warnings] == ["bls_cpr", "tb_test"]
        assert warnings[0].label == "BLS/CPR"

    def test_adding_checks_the_dates_and_the_state(self, db, graduate_user):
        graduate_id, user_id = graduate_user.graduate.id, graduate_user.user.id
        for data, field in (
            (service.CredentialInput("camtc", "", "XX", TODAY, None), "state"),
            (service.CredentialInput("camtc", "", "CA", TODAY, TODAY), "expires_on"),
            (service.CredentialInput("magic", "", None, TODAY, None), "code"),
        ):
            with pytest.raises(DomainError) as refused:
                service.add_credential(
                    db,
                    graduate_id=graduate_id,
                    actor=Actor(user_id=user_id, role="graduate"),
                    data=data,
                )
            assert refused.value.field == field

    def test_another_graduates_credential_is_not_found(
        self, db, graduate_user, other_graduate_user
    ):
        theirs = factories.credential(db, other_graduate_user.graduate.id, "camtc")
        with pytest.raises(NotFound):
            service.delete_credential(
                db,
                graduate_id=graduate_user.graduate.id,
                actor=Actor(user_id=graduate_user.user.id, role="graduate"),
                credential_id=theirs.id,
            )


class TestCompleteness:
    def test_a_full_profile_is_complete(self, db, graduate_user):
        graduate = graduate_user.graduate
        graduate.bio, graduate.resume_file = "Hi", "0" * 32 + ".pdf"
        credentials = [GraduateCredential(graduate_id=graduate.id, code="camtc")]
        result = service.completeness(graduate, {"oncology": 2}, credentials)
        assert result.percent == 100 and result.missing == []

    def test_an_empty_profile_says_what_is_missing(self, db):
        bare = Graduate(first_name="A", last_name="B")
        result = service.completeness(bare, {}, [])
        assert result.percent == 0
        assert "your ZIP code" in result.missing and "a résumé (PDF)" in result.missing


class TestResumeChecks:
    @pytest.mark.parametrize(
        ("raw", "shown"),
        [
            ("../../etc/passwd", "passwd.pdf"),
            ("C:\\Users\\me\\CV.pdf", "CV.pdf"),
            ("résumé 履歴書.pdf", "résumé 履歴書.pdf"),
            ("\u202egnp.pdf", "gnp.pdf"),
            ("", "resume.pdf"),
            ("..", "resume.pdf"),
            ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
        ],
    )
    def test_the_display_name_is_only_a_label(self, raw, shown):
        assert resumes.display_name(raw) == shown

    def test_only_generated_names_map_to_a_path(self, settings):
        assert resumes.stored_path(settings, "../../x.pdf") is None
        assert resumes.stored_path(settings, "0" * 32 + ".pdf") == Path(settings.upload_dir) / (
            "0" * 32 + ".pdf"
        )

    def test_the_parsed_objects_are_checked_too(self):
        data = factories.pdf_bytes(javascript="app.alert(1)")
        assert {"JS", "JavaScript"} <= resumes._active_names_in_objects(data)
        assert resumes._active_names_in_objects(factories.pdf_bytes()) == set()


class TestResumeStorage:
    def test_a_rolled_back_upload_leaves_no_file_and_a_committed_one_removes_the_old(
        self, db, settings, graduate_user
    ):
        graduate = db.get(Graduate, graduate_user.graduate.id)
        folder = Path(settings.upload_dir)
        resumes.store_resume(
            db,
            settings,
            graduate=graduate,
            actor=Actor(user_id=graduate_user.user.id, role="graduate"),
            data=factories.pdf_bytes(),
            filename="a.pdf",
        )
        db.rollback()
        assert list(folder.iterdir()) == []

        graduate = db.get(Graduate, graduate_user.graduate.id)
        resumes.store_resume(
            db,
            settings,
            graduate=graduate,
            actor=Actor(user_id=1, role="graduate"),
            data=factories.pdf_bytes(),
            filename="b",
        )
        db.commit()
        first = graduate.resume_file
        resumes.store_resume(
            db,
            settings,
            graduate=graduate,
            actor=Actor(user_id=1, role="graduate"),
            data=factories.pdf_bytes(),
            filename="c",
        )
        assert sorted(p.name for p in folder.iterdir()) == sorted([first, graduate.resume_file])
        db.commit()
        assert [p.name for p in folder.iterdir()] == [graduate.resume_file]
        assert graduate.resume_name == "c.pdf"
