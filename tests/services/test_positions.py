"""The positions service: the rules of saving, the review states, expiry and the search."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlmodel import select

from placement import dates
from placement.models import AuditEvent, Change, Position, PositionRequirement
from placement.services import Actor, Conflict, DomainError, NotFound
from placement.services import positions as service
from placement.services.positions import PositionInput, SearchFilters
from tests import factories

TODAY = dates.today()


def make_input(**overrides: object) -> PositionInput:
    values: dict[str, object] = {
        "title": "Oncology massage therapist",
        "description": "Bedside massage on the oncology floor.",
        "setting": "hospital",
        "employment_type": "full_time",
        "pay_min": 30.0,
        "pay_max": 38.0,
        "zip": "90012",
        "start_date": TODAY + timedelta(days=60),
        "openings": 2,
        "min_training_hours": 750,
        "closes_on": TODAY + timedelta(days=30),
        "shifts": ("mon-am", "tue-am"),
        "required_modalities": ("oncology",),
        "preferred_modalities": ("manual_lymphatic_drainage",),
        "required_credentials": ("camtc", "bls_cpr"),
        "preferred_credentials": (),
    }
    values.update(overrides)
    return PositionInput(**values)  # type: ignore[arg-type]


def save(db, employer_id, user_id, data=None, **kwargs):
    position = service.save_position(
        db,
        employer_id=employer_id,
        actor=Actor(user_id=user_id, role="employer"),
        data=data or make_input(),
        **{"action": "submit", **kwargs},
    )
    db.commit()
    return position


class TestInputProblems:
    def test_it_accepts_a_sound_position(self):
        assert service.input_problems(make_input(), today=TODAY) == {}

    def test_it_refuses_pay_min_above_pay_max(self):
        problems = service.input_problems(make_input(pay_min=40.0, pay_max=30.0), today=TODAY)
        assert "pay_max" in problems

    def test_it_refuses_a_closing_date_in_the_past_or_after_the_start(self):
        past = service.input_problems(make_input(closes_on=TODAY - timedelta(days=1)), today=TODAY)
        assert "closes_on" in past
        late = service.input_problems(
            make_input(start_date=TODAY + timedelta(days=10), closes_on=TODAY + timedelta(days=20)),
            today=TODAY,
        )
        assert "after" in late["closes_on"] or "before the start" in late["closes_on"]

    def test_it_refuses_a_code_both_required_and_preferred(self):
        problems = service.input_problems(
            make_input(required_modalities=("oncology",), preferred_modalities=("oncology",)),
            today=TODAY,
        )
        assert "already required" in problems["preferred_modalities"]

    def test_it_refuses_unknown_codes_and_zip(self):
        problems = service.input_problems(
            make_input(required_credentials=("wizard",), zip="00000", shifts=("mon-night",)),
            today=TODAY,
        )
        assert {"required_credentials", "zip", "shifts"} <= set(problems)

    def test_it_refuses_openings_and_hours_out_of_range(self):
        problems = service.input_problems(
            make_input(openings=10**12, min_training_hours=-1), today=TODAY
        )
        assert {"openings", "min_training_hours"} <= set(problems)


class TestSavePosition:
    def test_it_creates_a_draft_or_a_submission(self, db, employer_user):
        employer_id, user_id = employer_user.employer.id, employer_user.user.id
        draft = save(db, employer_id, user_id, action="draft")
        submitted = save(db, employer_id, user_id)
        assert draft.status == "draft" and draft.submitted_at is None
        assert submitted.status == "pending_review" and submitted.submitted_at is not None
        rows = db.exec(
            select(PositionRequirement).where(PositionRequirement.position_id == submitted.id)
        ).all()
        assert {(r.kind, r.code, r.required) for r in rows} == {
            ("modality", "oncology", True),
            ("modality", "manual_lymphatic_drainage", False),
            ("credential", "camtc", True),
            ("credential", "bls_cpr", True),
        }
        actions = db.exec(select(AuditEvent.action)).all()
        assert "position.created" in actions and "position.submitted" in actions
        assert db.exec(select(Change).where(Change.object_id == submitted.id)).first()

    def test_it_refuses_an_edit_from_an_older_version(self, db, employer_user):
        employer_id, user_id = employer_user.employer.id, employer_user.user.id
        position = save(db, employer_id, user_id)
        save(db, employer_id, user_id, position_id=position.id, version=1)
        with pytest.raises(Conflict):
            save(
                db,
                employer_id,
                user_id,
                make_input(title="Stale edit"),
                position_id=position.id,
                version=1,
            )
        db.rollback()
        db.expire_all()
        assert db.get(Position, position.id).title == "Oncology massage therapist"
        assert db.get(Position, position.id).version == 2

    def test_it_keeps_an_open_position_open_through_small_edits(self, db, employer_user):
        employer_id, user_id = employer_user.employer.id, employer_user.user.id
        position = factories.position(db, employer_id, required_modalities=("oncology",))
        data = make_input(
            title=position.title,
            description=position.description,
            pay_min=position.pay_min,
            pay_max=position.pay_max,
            openings=5,
            shifts=("fri-pm",),
            required_modalities=("oncology",),
            preferred_modalities=(),
            required_credentials=(),
            min_training_hours=position.min_training_hours,
        )
        saved = save(db, employer_id, user_id, data, position_id=position.id, version=1)
        assert saved.status == "open" and saved.openings == 5

    @pytest.mark.parametrize(
        "change",
        [
            {"title": "Earn $500/hour"},
            {"description": "Send your SSN."},
            {"pay_min": 10.0},
            {"pay_max": 500.0},
        ],
    )
    def test_it_sends_an_open_position_back_to_review_when_what_it_says_or_pays_changes(
        self, db, employer_user, change
    ):
        employer_id, user_id = employer_user.employer.id, employer_user.user.id
        position = factories.position(db, employer_id, required_modalities=("oncology",))
        unchanged = {
            "title": position.title,
            "description": position.description,
            "pay_min": position.pay_min,
            "pay_max": position.pay_max,
            "required_modalities": ("oncology",),
            "preferred_modalities": (),
            "required_credentials": (),
            "min_training_hours": position.min_training_hours,
        }
        data = make_input(**{**unchanged, **change})
        saved = save(db, employer_id, user_id, data, position_id=position.id, version=1)
        assert saved.status == "pending_review"
        ((field, value),) = change.items()
        assert json.loads(saved.approved_values)[field] == unchanged[field]
        assert getattr(saved, field) == value

    @pytest.mark.parametrize(
        "change",
        [
            {"required_modalities": ("oncology", "geriatric")},
            {"preferred_credentials": ("bls_cpr",)},
            {"min_training_hours": 1000},
        ],
    )
    def test_it_sends_an_open_position_back_to_review_when_requirements_change(
        self, db, employer_user, change
    ):
        employer_id, user_id = employer_user.employer.id, employer_user.user.id
        position = factories.position(db, employer_id, required_modalities=("oncology",))
        data = make_input(
            required_modalities=("oncology",),
            preferred_modalities=(),
            required_credentials=(),
            min_training_hours=position.min_training_hours,
        )
        saved = save(
            db, employer_id, user_id, replace(data, **change), position_id=position.id, version=1
        )
        assert saved.status == "pending_review"

    def test_it_refuses_another_employers_position(self, db, employer_user, other_employer_user):
        theirs = factories.position(db, other_employer_user.employer.id)
        with pytest.raises(NotFound):
            save(
                db,
                employer_user.employer.id,
                employer_user.user.id,
                position_id=theirs.id,
                version=1,
            )

    def test_it_lets_a_pending_employer_submit_but_not_a_suspended_one(self, db):
        pending = factories.employer(db, status="pending")
        assert save(db, pending.employer.id, pending.user.id).status == "pending_review"
        suspended = factories.employer(db, status="suspended")
        with pytest.raises(DomainError):
            save(db, suspended.employer.id, suspended.user.id)
        db.rollback()
        assert save(db, suspended.employer.id, suspended.user.id, action="draft").status == "draft"


class TestClosingAndExpiry:
    def test_it_closes_a_position(self, db, employer_user):
        position = factories.position(db, employer_user.employer.id)
        service.close_position(
            db,
            employer_id=employer_user.employer.id,
            actor=Actor(user_id=employer_user.user.id, role="employer"),
            position_id=position.id,
        )
        db.commit()
        db.expire_all()
        assert db.get(Position, position.id).status == "closed"

    def test_it_writes_expired_on_positions_past_their_closing_date(self, db, employer_user):
        employer_id = employer_user.employer.id
        past = factories.position(db, employer_id, closes_on=TODAY - timedelta(days=1))
        today = factories.position(db, employer_id, closes_on=TODAY)
        draft = factories.position(
            db, employer_id, status="draft", closes_on=TODAY - timedelta(days=3)
        )
        assert service.expire_positions(db, TODAY) == 1
        db.commit()
        db.expire_all()
        assert db.get(Position, past.id).status == "expired"
        assert db.get(Position, today.id).status == "open"
        assert db.get(Position, draft.id).status == "draft"
        assert service.expire_positions(db, TODAY) == 0


def ids(page: service.SearchPage) -> set[int]:
    return {card.id for card in page.cards}


class TestSearch:
    def test_it_shows_only_open_unexpired_positions_of_approved_employers(self, db, employer_user):
        employer_id = employer_user.employer.id
        shown = factories.position(db, employer_id)
        undated = factories.position(db, employer_id, closes_on=None)
        hidden = [
            factories.position(db, employer_id, status=status)
            for status in ("draft", "pending_review", "closed", "filled", "expired", "rejected")
        ]
        hidden.append(factories.position(db, employer_id, closes_on=TODAY - timedelta(days=1)))
        for status in ("pending", "rejected", "suspended"):
            other = factories.employer(db, status=status)
            hidden.append(factories.position(db, other.employer.id))
        page = service.search_positions(db, SearchFilters())
        assert ids(page) == {shown.id, undated.id}
        assert page.total == 2
        assert not ids(page) & {p.id for p in hidden}

    def test_it_matches_words_in_title_description_and_employer_name(self, db, employer_user):
        employer_id = employer_user.employer.id
        by_title = factories.position(db, employer_id, title="Lymphedema therapist")
        by_text = factories.position(
            db, employer_id, title="Therapist", description="Mostly LYMPHEDEMA patients."
        )
        other = factories.position(db, employer_id, title="Sports massage", description="Runners")
        assert ids(service.search_positions(db, SearchFilters(q="lymphedema"))) == {
            by_title.id,
            by_text.id,
        }
        assert ids(service.search_positions(db, SearchFilters(q="harbor HOSPITAL"))) == {
            by_title.id,
            by_text.id,
            other.id,
        }
        assert ids(service.search_positions(db, SearchFilters(q="100%_"))) == set()

    def test_it_filters_by_setting_employment_type_and_modality(self, db, employer_user):
        employer_id = employer_user.employer.id
        hospice = factories.position(
            db,
            employer_id,
            setting="hospice",
            employment_type="per_diem",
            required_modalities=("hospice_comfort",),
        )
        preferred = factories.position(
            db, employer_id, setting="hospital", preferred_modalities=("hospice_comfort",)
        )
        neither = factories.position(db, employer_id, required_modalities=("sports",))
        assert ids(service.search_positions(db, SearchFilters(setting="hospice"))) == {hospice.id}
        assert ids(service.search_positions(db, SearchFilters(employment_type="per_diem"))) == {
            hospice.id
        }
        assert ids(service.search_positions(db, SearchFilters(modality="hospice_comfort"))) == {
            hospice.id,
            preferred.id,
        }
        assert neither.id not in ids(
            service.search_positions(db, SearchFilters(modality="oncology"))
        )

    def test_it_filters_by_distance_across_a_state_line(self, db, employer_user):
        employer_id = employer_user.employer.id
        # South Lake Tahoe, California (96150) sits on the Nevada line: Stateline, NV (89449)
        # is 5 miles away, Truckee, CA (96161) 31 miles, Reno, NV (89501) 43 miles.
        stateline = factories.position(db, employer_id, zip="89449", title="Stateline NV")
        truckee = factories.position(db, employer_id, zip="96161", title="Truckee CA")
        reno = factories.position(db, employer_id, zip="89501", title="Reno NV")
        near = service.search_positions(db, SearchFilters(zip="96150", radius=10))
        assert ids(near) == {stateline.id}
        assert 5.0 < near.cards[0].distance < 6.0
        wider = service.search_positions(db, SearchFilters(zip="96150", radius=35))
        assert [card.id for card in wider.cards] == [stateline.id, truckee.id]
        widest = service.search_positions(db, SearchFilters(zip="96150", radius=50))
        assert [card.id for card in widest.cards] == [stateline.id, truckee.id, reno.id]
        # Seen from Reno, NV, Truckee across the line (23 miles) is near, Stateline (39) is not.
        from_reno = service.search_positions(db, SearchFilters(zip="89501", radius=25))
        assert [card.id for card in from_reno.cards] == [reno.id, truckee.id]

    def test_it_pages_nearest_first_across_zips(self, db, employer_user):
        employer_id = employer_user.employer.id
        for index in range(25):
            factories.position(db, employer_id, zip="90012", title=f"Downtown {index}")
        for index in range(10):
            factories.position(db, employer_id, zip="92602", title=f"Irvine {index}")
        first = service.search_positions(db, SearchFilters(zip="90012", radius=100))
        second = service.search_positions(db, SearchFilters(zip="90012", radius=100, page=2))
        assert first.total == second.total == 35 and first.pages == 2
        assert len(first.cards) == 20 and len(second.cards) == 15
        assert all(card.zip == "90012" for card in first.cards)
        assert [card.zip for card in second.cards] == ["90012"] * 5 + ["92602"] * 10
        assert not ids(first) & ids(second)
        distances = [card.distance for card in first.cards + second.cards]
        assert distances == sorted(distances)

    def test_it_pages_twenty_at_a_time_newest_first(self, db, employer_user):
        made = [factories.position(db, employer_user.employer.id) for _ in range(23)]
        first = service.search_positions(db, SearchFilters())
        last = service.search_positions(db, SearchFilters(page=2))
        beyond = service.search_positions(db, SearchFilters(page=9))
        assert [card.id for card in first.cards] == [p.id for p in reversed(made)][:20]
        assert len(last.cards) == 3 and last.pages == 2
        assert beyond.cards == [] and beyond.total == 23

    def test_it_lists_required_tags_of_the_page_rows(self, db, employer_user):
        factories.position(
            db,
            employer_user.employer.id,
            required_modalities=("oncology", "manual_lymphatic_drainage"),
            required_credentials=("bls_cpr",),
            preferred_credentials=("camtc",),
        )
        (card,) = service.search_positions(db, SearchFilters()).cards
        assert card.required_modalities == ("manual_lymphatic_drainage", "oncology")
        assert card.required_credentials == ("bls_cpr",)


class TestPublicPosition:
    def test_it_reads_a_public_position(self, db, employer_user):
        position = factories.position(
            db, employer_user.employer.id, preferred_modalities=("geriatric",)
        )
        public = service.public_position(db, position.id)
        assert public.employer_name == "Harbor Hospital"
        assert public.requirements["preferred_modalities"] == ["geriatric"]

    @pytest.mark.parametrize("status", ["draft", "pending_review", "closed", "expired"])
    def test_it_hides_a_position_that_is_not_public(self, db, employer_user, status):
        position = factories.position(db, employer_user.employer.id, status=status)
        with pytest.raises(NotFound):
            service.public_position(db, position.id)

    def test_it_hides_positions_of_an_employer_not_approved(self, db):
        pending = factories.employer(db, status="pending")
        position = factories.position(db, pending.employer.id)
        with pytest.raises(NotFound):
            service.public_position(db, position.id)


class TestCountCap:
    def test_it_counts_exactly_up_to_the_cap_and_says_more_beyond(
        self, db, employer_user, monkeypatch
    ):
        monkeypatch.setattr("placement.services.positions.search.COUNT_CAP", 5)
        for _ in range(25):
            factories.position(db, employer_user.employer.id)
        first = service.search_positions(db, SearchFilters())
        assert (len(first.cards), first.total, first.more, first.pages) == (20, 20, True, None)
        assert first.has_next
        second = service.search_positions(db, SearchFilters(page=2))
        assert (len(second.cards), second.total, second.more, second.pages) == (5, 25, False, 2)
        assert not second.has_next

    def test_near_a_zip_it_counts_the_nearest_zips_first_up_to_the_cap(
        self, db, employer_user, monkeypatch
    ):
        monkeypatch.setattr("placement.services.positions.search.COUNT_CAP", 5)
        monkeypatch.setattr("placement.services.positions.search.FIRST_ZIPS", 1)
        employer_id = employer_user.employer.id
        near = [factories.position(db, employer_id, zip="90012") for _ in range(21)]
        far = [factories.position(db, employer_id, zip="92602") for _ in range(4)]
        first = service.search_positions(db, SearchFilters(zip="90012", radius=100))
        assert first.more and first.total == 20 and first.has_next
        assert [card.id for card in first.cards] == [p.id for p in reversed(near)][:20]
        second = service.search_positions(db, SearchFilters(zip="90012", radius=100, page=2))
        assert (second.total, second.more, second.pages) == (25, False, 2)
        assert [card.id for card in second.cards] == [near[0].id] + [p.id for p in reversed(far)]

    @pytest.mark.parametrize(("first_zips", "wide_batch"), [(1, 1024), (3, 4), (16, 1024), (1, 1)])
    def test_near_a_zip_every_page_is_the_reference_order(
        self, db, employer_user, monkeypatch, first_zips, wide_batch
    ):
        """Positions spread over many ZIPs, read ZIP batch by ZIP batch: every page and
        count is what sorting all of them by (nearest ZIP, newest) and cutting at the cap
        gives."""
        import random

        from placement import geo
        from placement.services.positions import search

        monkeypatch.setattr(search, "COUNT_CAP", 30)
        monkeypatch.setattr(search, "FIRST_ZIPS", first_zips)
        # Small batches ZIP by ZIP, then (beyond `wide_batch`) the rest grouped in one pass.
        monkeypatch.setattr(search, "WIDE_BATCH", wide_batch)
        chooser = random.Random(5)
        around = geo.zips_near("90012", 40).codes(0, 120)
        made = [
            factories.position(db, employer_user.employer.id, zip=chooser.choice(around))
            for _ in range(70)
        ]
        for origin, radius in (("90012", 10), ("90012", 40), ("92602", 25), ("90401", 60)):
            nearby = geo.zips_near(origin, radius)
            rank = {code: place for place, code in enumerate(nearby.codes(0, len(nearby)))}
            expected = sorted(
                (p for p in made if p.zip in rank), key=lambda p: (rank[p.zip], -p.id)
            )
            for page in (1, 2, 3):
                result = service.search_positions(
                    db, SearchFilters(zip=origin, radius=radius, page=page)
                )
                want = expected[(page - 1) * 20 : page * 20]
                cap = max(30, page * 20) + 1
                assert [card.id for card in result.cards] == [p.id for p in want]
                assert result.total == min(len(expected), cap - 1)
                assert result.more == (len(expected) >= cap)

    def test_a_radius_across_the_country_asks_about_a_bounded_number_of_zips(
        self, db, employer_user, monkeypatch
    ):
        """3,000 miles from Manhattan holds some 31,000 ZIPs: asked about in batches, that
        took over a second; past WIDE_BATCH the rest is one grouped pass."""
        from placement.services.positions import search

        asked: list[int] = []
        grouped: list[bool] = []
        real_rows = search._rows

        def rows(connection, statement, params):
            asked.append(len(params.get("zips", [])))
            grouped.append(
                statement
                is search._search_sql(
                    db.get_bind().dialect.name, False, False, False, False
                ).count_by_zip
            )
            return real_rows(connection, statement, params)

        monkeypatch.setattr(search, "_rows", rows)
        made = factories.position(db, employer_user.employer.id, zip="90012")
        page = service.search_positions(db, SearchFilters(zip="10001", radius=3000))
        assert [card.id for card in page.cards] == [made.id]
        assert 2000 < page.cards[0].distance < 3000  # Manhattan to Los Angeles
        assert max(asked) <= search.WIDE_BATCH
        assert any(grouped)

    def test_the_next_zip_batch_follows_the_density_met_so_far(self):
        from placement.services.positions.search import FIRST_ZIPS, _next_batch

        assert _next_batch(16, 0, 101) == 64  # nothing yet: four times as many
        assert _next_batch(16, 20, 101) == 32  # sparse: at most twice as many
        assert _next_batch(32, 90, 101) == FIRST_ZIPS  # nearly there: a few more
        assert _next_batch(64, 100, 101) == FIRST_ZIPS


class TestSeededPositions:
    def test_the_same_seed_gives_the_same_positions(self, db):
        import random

        from placement.seed import Progress
        from placement.seed import employers as employer_seed

        def titles(seed: int) -> list[tuple[str, str, str, float | None]]:
            with db.begin_nested() as savepoint:
                counts = employer_seed.seed_employers(
                    db,
                    random.Random(seed),
                    employers=6,
                    positions=30,
                    password_hash="x",
                    progress=Progress(total=36, enabled=False),
                )
                rows = db.exec(
                    select(
                        Position.title, Position.zip, Position.status, Position.pay_min
                    ).order_by(Position.id)
                ).all()
                savepoint.rollback()
            assert counts == {"employers": 6, "positions": 30}
            return [tuple(row) for row in rows]

        first, again, other = titles(7), titles(7), titles(8)
        assert first == again and first != other
        assert len({title for title, *_ in first}) > 5
        assert all(24 <= pay <= 45 for *_, pay in first)
        assert "open" in {status for _, _, status, _ in first}


class TestLoadScript:
    @pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
    def test_it_loads_this_machine(self, host):
        from placement.bench_http import check_loopback

        check_loopback(host)

    @pytest.mark.parametrize("host", ["example.com", "10.0.0.1", "0.0.0.0", "192.168.1.1"])
    def test_it_refuses_any_other_host(self, host):
        from placement.bench_http import NotLoopback, check_loopback

        with pytest.raises(NotLoopback):
            check_loopback(host)
