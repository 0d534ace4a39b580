"""The anonymous fast path: no cookie, ETag from the change log and the language, 304s, an
in-process page cache that the next change in any worker invalidates, no-cache renders afresh."""

from __future__ import annotations

import sqlite3

import anyio
import pytest
from sqlalchemy import text

from placement.app import create_app
from placement.security import SESSION_COOKIE
from placement.services import Actor, approvals, changes, employers
from placement.web import guards
from placement.web.language import from_accept_language
from placement.web.public_cache import CachedPage, PageCache, SqliteReader, etag_matches
from tests import factories
from tests.conftest import Client

PUBLIC = ["/", "/positions", "/positions?q=oncology", "/positions?modality=MLD"]


@pytest.fixture
def position(db, employer_user):
    return factories.position(db, employer_user.employer.id, title="Oncology massage therapist")


def _paths(position) -> list[str]:
    return [*PUBLIC, f"/positions/{position.id}"]


def _rename_behind_the_app(db, position_id: int, title: str, *, log: bool) -> None:
    db.execute(
        text("UPDATE position SET title = :title WHERE id = :id"),
        {"title": title, "id": position_id},
    )
    if log:
        changes.position_changed(db, position_id)
    db.commit()


class TestNoCookie:
    def test_anonymous_public_pages_set_no_cookie(self, client, position):
        for path in _paths(position):
            response = client.get(path)
            assert response.status_code == 200, path
            assert "set-cookie" not in response.headers, path
            assert response.headers["vary"] == "Accept-Language, Cookie"
            assert response.headers["etag"].startswith('W/"')
            assert response.headers["cache-control"] == "no-cache"
        assert SESSION_COOKIE not in client.cookies

    @pytest.mark.parametrize("path", ["/login", "/register/graduate", "/register/employer"])
    def test_forms_still_get_their_token(self, client, path):
        response = client.get(path)
        assert SESSION_COOKIE in response.headers.get("set-cookie", "")
        assert 'name="csrf_token" value="' in response.text

    def test_a_visitor_with_a_token_but_no_account_is_still_anonymous(self, client, position):
        client.get("/login")
        response = client.get("/positions")
        assert "etag" in response.headers
        assert "set-cookie" not in response.headers


class TestETag:
    def test_an_unchanged_page_answers_304(self, client, position):
        for path in _paths(position):
            first = client.get(path)
            again = client.get(path, headers={"If-None-Match": first.headers["etag"]})
            assert again.status_code == 304, path
            assert again.content == b""
            assert again.headers["etag"] == first.headers["etag"]
            assert "set-cookie" not in again.headers

    def test_a_change_moves_the_etag(self, client, db, position):
        first = client.get("/positions")
        _rename_behind_the_app(db, position.id, "Hospice comfort therapist", log=True)
        again = client.get("/positions", headers={"If-None-Match": first.headers["etag"]})
        assert again.status_code == 200
        assert again.headers["etag"] != first.headers["etag"]
        assert "Hospice comfort therapist" in again.text

    def test_the_etag_differs_by_language(self, client, position):
        english = client.get("/positions", headers={"Accept-Language": "en-US,en;q=0.9"})
        spanish = client.get("/positions", headers={"Accept-Language": "es-MX,es;q=0.9"})
        assert english.headers["etag"] != spanish.headers["etag"]
        again = client.get(
            "/positions",
            headers={"Accept-Language": "es", "If-None-Match": english.headers["etag"]},
        )
        assert again.status_code == 200
        chosen = client.get("/positions", headers={"Cookie": "lang=es"})
        assert chosen.headers["etag"] == spanish.headers["etag"]

    def test_no_cache_renders_even_with_a_matching_etag(self, client, position):
        first = client.get("/positions")
        again = client.get(
            "/positions",
            headers={"If-None-Match": first.headers["etag"], "Cache-Control": "no-cache"},
        )
        assert again.status_code == 200
        assert again.text == first.text


class TestPageCache:
    def test_pages_come_from_the_cache_until_the_change_log_moves(self, client, db, position):
        assert "Oncology massage therapist" in client.get("/positions").text
        # A write that skipped the change log is not seen by the cache (which proves it is one)
        _rename_behind_the_app(db, position.id, "Renamed quietly", log=False)
        assert "Oncology massage therapist" in client.get("/positions").text
        # ... but `Cache-Control: no-cache` renders afresh, past the cache.
        fresh = client.get("/positions", headers={"Cache-Control": "no-cache"})
        assert "Renamed quietly" in fresh.text
        # Any logged change invalidates it.
        _rename_behind_the_app(db, position.id, "Renamed with a change row", log=True)
        assert "Renamed with a change row" in client.get("/positions").text
        assert "Renamed with a change row" in client.get(f"/positions/{position.id}").text

    def test_the_next_change_in_another_worker_invalidates(
        self, app, settings, client, employer_user, position
    ):
        """Two app instances on one database stand for two workers (or machines)."""
        other_worker = create_app(settings)
        employer = Client(other_worker)
        try:
            assert "Oncology massage therapist" in client.get("/positions").text
            employer.login(employer_user.user.email)
            closed = employer.submit(f"/employer/positions/{position.id}/close")
            assert closed.status_code == 303
            page = client.get("/positions")
            assert "Oncology massage therapist" not in page.text
            assert client.get(f"/positions/{position.id}").status_code == 404
        finally:
            employer.close()
            other_worker.state.engine.dispose()

    def test_an_employer_detail_change_reaches_the_cached_page(
        self, client, db, employer_user, position, settings
    ):
        employer = employer_user.employer
        assert "harbor.example" in client.get(f"/positions/{position.id}").text
        employers.update_organization(
            db,
            employer_id=employer.id,
            actor=Actor(user_id=employer_user.user.id, role="employer"),
            data=employers.OrganizationInput(
                name=employer.name,
                kind=employer.kind,
                zip=employer.zip,
                website="https://seaside.example",
                phone="",
                npi=None,
            ),
        )
        db.commit()
        # Approved organisation: the new website waits for staff, the page keeps the old one.
        assert "harbor.example" in client.get(f"/positions/{position.id}").text
        approvals.review_held_change(
            db,
            settings,
            Actor(user_id=None, role="staff"),
            employer_id=employer.id,
            action="approve",
        )
        db.commit()
        assert "seaside.example" in client.get(f"/positions/{position.id}").text

    def test_a_bad_filter_is_not_cached(self, client, position):
        response = client.get("/positions?zip=00000")
        assert response.status_code == 422
        assert "etag" not in response.headers

    def test_signed_in_visitors_skip_the_fast_path(self, client, as_graduate, position):
        client.get(f"/positions/{position.id}")  # an anonymous copy is in the cache
        page = as_graduate.get(f"/positions/{position.id}")
        assert page.status_code == 200
        assert "etag" not in page.headers
        assert page.headers["cache-control"] == "private, no-store"
        assert 'name="csrf_token"' in page.text  # the apply form: a page of its own

    def test_a_burst_of_anonymous_requests_across_a_change(self, app, db, position):
        """Twenty at once, with a change in the middle: every answer is 200, and after the
        change every page shows it (SQLite and PostgreSQL alike)."""
        client = Client(app)
        try:

            def rename() -> None:
                _rename_behind_the_app(db, position.id, "Burst title", log=True)

            async def burst() -> list[int]:
                statuses: list[int] = []

                async def one(index: int) -> None:
                    if index == 10:
                        await anyio.to_thread.run_sync(rename)
                    response = await client.http.get("/positions")
                    statuses.append(response.status_code)

                async with anyio.create_task_group() as group:
                    for index in range(20):
                        group.start_soon(one, index)
                return statuses

            statuses = client.portal.call(burst)
            assert statuses == [200] * 20
            assert "Burst title" in client.get("/positions").text
        finally:
            client.close()


class TestHelpers:
    @pytest.mark.parametrize(
        ("header", "language"),
        [
            ("", "en"),
            ("es", "es"),
            ("es-MX,es;q=0.9,en;q=0.8", "es"),
            ("fr-FR,fr;q=0.9,es;q=0.8", "es"),
            ("en;q=0.5,es;q=0.9", "es"),
            ("de,en;q=0.1", "en"),
            ("es;q=0", "en"),
            ("es;q=abc,en", "en"),
            ("x" * 10_000, "en"),
        ],
    )
    def test_accept_language(self, header, language):
        assert from_accept_language(header) == language

    def test_etag_comparison_is_weak(self):
        assert etag_matches('"a", W/"b"', 'W/"b"')
        assert etag_matches('"b"', 'W/"b"')
        assert etag_matches("*", 'W/"b"')
        assert not etag_matches('W/"c"', 'W/"b"')

    def test_the_cache_is_bounded_and_keeps_one_version(self):
        cache = PageCache(max_entries=2, max_bytes=1000)
        page = CachedPage(b"x" * 10, "text/html")
        for n in range(3):
            cache.put("v1", (str(n), "", "en"), page)
        assert len(cache.entries) == 2
        assert cache.get("v1", ("0", "", "en")) is None
        assert cache.get("v1", ("2", "", "en")) is page
        assert cache.get("v2", ("2", "", "en")) is None
        assert not cache.entries


class TestReadOnlyReader:
    """On a SQLite file the anonymous search reads through the worker's read-only
    connection, on the event loop: no ORM session, no pooled connection."""

    @pytest.fixture(autouse=True)
    def _sqlite_only(self, app):
        if app.state.public_pages.sqlite is None:
            pytest.skip("the read-only reader is for a SQLite file")

    def test_the_anonymous_search_opens_no_orm_session(self, client, position, monkeypatch):
        def no_session(*args, **kwargs):
            raise AssertionError("an ORM session was opened")

        monkeypatch.setattr(guards, "Session", no_session)
        for path in ("/positions", "/positions?q=oncology", "/positions?zip=90012&radius=3000"):
            page = client.get(path, headers={"Cache-Control": "no-cache"})
            assert page.status_code == 200, path
            assert "Oncology massage therapist" in page.text, path
            assert "etag" in page.headers

    def test_signed_in_visitors_search_through_their_session(
        self, as_graduate, position, monkeypatch
    ):
        opened: list[object] = []
        real = guards.Session

        def counting(*args, **kwargs):
            opened.append(args)
            return real(*args, **kwargs)

        monkeypatch.setattr(guards, "Session", counting)
        assert "Oncology massage therapist" in as_graduate.get("/positions").text
        assert opened

    def test_the_reader_cannot_write(self, app, client, position):
        client.get("/positions")  # opens it
        reader = app.state.public_pages.sqlite
        connection, _version = reader.begin()
        try:
            with pytest.raises(sqlite3.OperationalError, match="readonly"):
                connection.execute("DELETE FROM position")
        finally:
            reader.end()
        assert "Oncology massage therapist" in client.get("/positions").text

    def test_a_busy_reader_falls_back_to_the_engine(self, app, client, position, monkeypatch):
        def busy(connection):
            raise sqlite3.OperationalError("database is locked")

        monkeypatch.setattr("placement.web.public_cache.read_version", busy)
        page = client.get("/positions", headers={"Cache-Control": "no-cache"})
        assert page.status_code == 200
        assert "Oncology massage therapist" in page.text

    def test_a_reader_that_cannot_open_falls_back_to_the_engine(
        self, app, client, position, tmp_path
    ):
        app.state.public_pages.sqlite = SqliteReader(str(tmp_path / "missing" / "x.db"))
        page = client.get("/positions", headers={"Cache-Control": "no-cache"})
        assert page.status_code == 200
        assert "Oncology massage therapist" in page.text
        assert "etag" in page.headers
