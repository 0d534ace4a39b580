"""Duplicates and merge: GET /staff/graduates/duplicates, POST /staff/graduates/{id}/merge."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from placement.models import (
    Application,
    ApplicationEvent,
    AuditEvent,
    ConversationMessage,
    Graduate,
    GraduateCredential,
    Placement,
    User,
    utcnow,
)
from placement.services import accreditors
from tests import factories


@pytest.fixture
def pair(db):
    kept = factories.graduate(
        db,
        first_name="José",
        last_name="García",
        student_id="S100",
        graduation_date=date(2025, 6, 1),
    )
    removed = factories.graduate(
        db,
        first_name="jose",
        last_name="GARCIA ",
        student_id=None,
        verified=False,
        graduation_date=date(2025, 6, 1),
    )
    return kept, removed


class TestCandidates:
    def test_same_name_and_graduation_date(self, as_staff, pair):
        kept, removed = pair
        page = as_staff.get("/staff/graduates/duplicates")
        assert page.status_code == 200
        assert f'id="pair-{kept.graduate.id}-{removed.graduate.id}"' in page.text
        assert "Same name and graduation date" in page.text

    def test_same_email_in_another_case(self, as_staff, db):
        a = factories.graduate(db, first_name="A", email="Twin@Example.com").graduate
        b = factories.graduate(
            db, first_name="B", with_account=False, email="twin@example.com", student_id=None
        ).graduate
        page = as_staff.get("/staff/graduates/duplicates")
        assert f'id="pair-{a.id}-{b.id}"' in page.text and "Same e-mail" in page.text

    def test_not_for_employers(self, as_employer):
        assert as_employer.get("/staff/graduates/duplicates").status_code == 403


class TestMerge:
    def test_everything_moves_to_the_kept_record(self, as_staff, db, employer_user, pair):
        kept, removed = pair
        position = factories.position(db, employer_user.employer.id)
        other_position = factories.position(db, employer_user.employer.id, title="Other")
        # Both applied to one position: the kept one is screening, the removed one got to interview.
        ours = factories.application(db, position.id, kept.graduate.id, stage="screening")
        theirs = factories.application(db, position.id, removed.graduate.id, stage="interview")
        elsewhere = factories.application(db, other_position.id, removed.graduate.id)
        db.add(
            ConversationMessage(
                application_id=ours.id,
                author_user_id=kept.user.id,
                author_role="graduate",
                body="hello from the kept record",
            )
        )
        db.add(
            ApplicationEvent(application_id=ours.id, from_stage="submitted", to_stage="screening")
        )
        factories.credential(db, removed.graduate.id, "bls_cpr")
        db.add(
            Placement(
                graduate_id=removed.graduate.id,
                employer_name="Harbor",
                job_title="LMT",
                field="in_field",
                start_date=date(2025, 7, 1),
                dedupe_key=f"g{removed.graduate.id}:x",
            )
        )
        db.commit()
        ours_id, theirs_id, elsewhere_id = ours.id, theirs.id, elsewhere.id

        response = as_staff.submit(
            f"/staff/graduates/{removed.graduate.id}/merge", {"into": str(kept.graduate.id)}
        )

        assert response.status_code == 303
        assert response.headers["location"].startswith(f"/staff/graduates/{kept.graduate.id}")
        db.expire_all()
        applications = db.exec(
            select(Application).where(Application.graduate_id == kept.graduate.id)
        ).all()
        assert sorted(a.id for a in applications) == sorted([theirs_id, elsewhere_id])
        assert db.get(Application, theirs_id).stage == "interview"
        assert db.get(Application, ours_id) is None
        message = db.exec(select(ConversationMessage)).one()
        assert message.application_id == theirs_id  # the conversation moved with it
        events = db.exec(select(ApplicationEvent)).all()
        assert {e.application_id for e in events} <= {theirs_id, elsewhere_id}
        assert any(e.to_stage == "screening" and e.application_id == theirs_id for e in events)
        assert db.exec(select(GraduateCredential)).one().graduate_id == kept.graduate.id
        assert db.exec(select(Placement)).one().graduate_id == kept.graduate.id
        stub = db.get(Graduate, removed.graduate.id)
        assert stub.merged_into_id == kept.graduate.id
        assert db.get(User, removed.user.id).active is False
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "graduate.merged")).one()
        assert event.object_id == kept.graduate.id
        assert (
            f"Record #{kept.graduate.id}"
            not in as_staff.get(f"/staff/graduates/{removed.graduate.id}").text
        )
        assert "was merged into" in as_staff.get(f"/staff/graduates/{removed.graduate.id}").text

    def test_a_merged_record_never_counts_twice(self, as_staff, db):
        a = factories.graduate(db, first_name="Twin", student_id="S1", cohort=2025).graduate
        b = factories.graduate(db, first_name="Twin", student_id="S2", cohort=2025).graduate
        db.add(
            Placement(
                graduate_id=b.id,
                employer_name="Harbor",
                job_title="LMT",
                field="in_field",
                start_date=date(2025, 7, 1),
                verified_at=utcnow(),
                verification_method="pay_stub",
            )
        )
        db.commit()
        assert accreditors.outcomes(db, "abhes", cohort=2025).rows[0].graduates == 2
        response = as_staff.submit(
            f"/staff/graduates/{b.id}/merge", {"into": str(a.id), "confirm": "yes"}
        )
        assert response.status_code == 303
        db.expire_all()
        (row,) = accreditors.outcomes(db, "abhes", cohort=2025).rows
        assert (row.graduates, row.placed_in_field, row.verified) == (1, 1, 1)

    def test_two_roster_records_with_different_ids_need_confirmation(self, as_staff, db):
        a = factories.graduate(db, student_id="S1").graduate
        b = factories.graduate(db, student_id="S2").graduate
        refused = as_staff.submit(f"/staff/graduates/{b.id}/merge", {"into": str(a.id)})
        assert refused.status_code == 422 and "different student ids" in refused.text
        db.expire_all()
        assert db.get(Graduate, b.id).merged_into_id is None
        done = as_staff.submit(
            f"/staff/graduates/{b.id}/merge", {"into": str(a.id), "confirm": "yes"}
        )
        assert done.status_code == 303

    def test_the_student_id_moves_to_a_kept_record_without_one(self, as_staff, db):
        kept = factories.graduate(db, student_id=None).graduate
        roster = factories.graduate(db, student_id="s77", with_account=False).graduate
        as_staff.submit(f"/staff/graduates/{roster.id}/merge", {"into": str(kept.id)})
        db.expire_all()
        assert db.get(Graduate, kept.id).student_id == "s77"

    def test_twice_is_refused(self, as_staff, db, pair):
        kept, removed = pair
        path = f"/staff/graduates/{removed.graduate.id}/merge"
        assert as_staff.submit(path, {"into": str(kept.graduate.id)}).status_code == 303
        assert as_staff.submit(path, {"into": str(kept.graduate.id)}).status_code == 409
        # Nor into a merged record.
        third = factories.graduate(db, student_id=None).graduate
        assert (
            as_staff.submit(
                f"/staff/graduates/{third.id}/merge", {"into": str(removed.graduate.id)}
            ).status_code
            == 409
        )

    @pytest.mark.parametrize("into", ["", "x", "0", "-1", "99999999999", "\x00"])
    def test_bad_targets_are_explained(self, as_staff, pair, into):
        _kept, removed = pair
        response = as_staff.submit(f"/staff/graduates/{removed.graduate.id}/merge", {"into": into})
        assert response.status_code == 422

    def test_into_itself_or_a_missing_record(self, as_staff, pair):
        _kept, removed = pair
        path = f"/staff/graduates/{removed.graduate.id}/merge"
        assert as_staff.submit(path, {"into": str(removed.graduate.id)}).status_code == 422
        assert as_staff.submit(path, {"into": "999999"}).status_code == 422
        assert as_staff.submit("/staff/graduates/999999/merge", {"into": "1"}).status_code == 404

    def test_not_for_graduates(self, as_graduate, pair):
        kept, removed = pair
        response = as_graduate.submit(
            f"/staff/graduates/{removed.graduate.id}/merge", {"into": str(kept.graduate.id)}
        )
        assert response.status_code == 403


class TestMergeConflicts:
    def test_unique_rows_fold_into_the_kept_records(self, as_staff, db, employer_user):
        from placement.models import GraduateModality, PlacementDocument, Referral
        from placement.services.placements import dedupe_key

        kept = factories.graduate(db, student_id="S1").graduate
        removed = factories.graduate(db, student_id=None, with_account=False).graduate
        factories.modality(db, kept.id, "swedish", 1)
        factories.modality(db, removed.id, "swedish", 3)
        factories.modality(db, removed.id, "oncology", 2)
        position = factories.position(db, employer_user.employer.id)
        for graduate in (kept, removed):
            db.add(
                Referral(
                    position_id=position.id,
                    graduate_id=graduate.id,
                    status="pending",
                    open_pair=f"{position.id}:{graduate.id}",
                )
            )
        placements = []
        for graduate, verified in ((kept, False), (removed, True)):
            row = Placement(
                graduate_id=graduate.id,
                employer_name="Harbor",
                job_title="LMT",
                field="in_field",
                start_date=date(2025, 7, 1),
                verified_at=utcnow() if verified else None,
                verification_method="pay_stub" if verified else None,
                dedupe_key=dedupe_key(
                    graduate.id,
                    position_id=None,
                    employer_name="Harbor",
                    job_title="LMT",
                    start_date=date(2025, 7, 1),
                ),
            )
            db.add(row)
            placements.append(row)
        db.commit()
        db.add(
            PlacementDocument(
                placement_id=placements[1].id,
                stored_file="x",
                name="x.pdf",
                content_type="application/pdf",
            )
        )
        db.commit()
        kept_placement = placements[0].id

        response = as_staff.submit(f"/staff/graduates/{removed.id}/merge", {"into": str(kept.id)})

        assert response.status_code == 303
        db.expire_all()
        levels = {
            m.code: m.proficiency
            for m in db.exec(
                select(GraduateModality).where(GraduateModality.graduate_id == kept.id)
            )
        }
        assert levels == {"swedish": 3, "oncology": 2}
        (placement,) = db.exec(select(Placement)).all()
        assert placement.id == kept_placement and placement.verification_method == "pay_stub"
        assert db.exec(select(PlacementDocument)).one().placement_id == kept_placement
        referrals = db.exec(select(Referral).order_by(Referral.id)).all()
        assert [r.graduate_id for r in referrals] == [kept.id, kept.id]
        assert [r.open_pair for r in referrals] == [f"{position.id}:{kept.id}", None]
