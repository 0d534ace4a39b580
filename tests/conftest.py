"""Test harness: an app per test on a fresh database, personas, and a client that knows CSRF.

The suite runs on SQLite by default. With PLACEMENT_TEST_POSTGRES set to a server URL
(e.g. postgresql+psycopg://postgres@127.0.0.1:5432/postgres) the PostgreSQL-only tests run,
and with PLACEMENT_TEST_BACKEND=postgres every app test runs on a database created (and
dropped) for this run on that server.
"""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio.from_thread
import httpx
import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session

from placement import migrate
from placement.app import create_app
from placement.config import Settings
from placement.db import make_engine, metadata
from tests import factories

# The machine running the suite is shared: a property test's wall-clock time is not one of
# the properties under test.
hypothesis_settings.register_profile("shared-machine", deadline=None)
hypothesis_settings.load_profile("shared-machine")

POSTGRES_SERVER = os.environ.get("PLACEMENT_TEST_POSTGRES", "").strip()
BACKEND = os.environ.get("PLACEMENT_TEST_BACKEND", "sqlite").strip() or "sqlite"
CSRF_PATTERN = re.compile(r'name="csrf_token" value="([^"]+)"')


def postgres_admin_engine() -> Engine:
    return create_engine(POSTGRES_SERVER, isolation_level="AUTOCOMMIT")


def create_postgres_database(prefix: str = "placement_test") -> str:
    """A new empty database on the test server; returns its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = postgres_admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(POSTGRES_SERVER).set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    name = make_url(url).database
    admin = postgres_admin_engine()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


requires_postgres = pytest.mark.skipif(
    not POSTGRES_SERVER, reason="set PLACEMENT_TEST_POSTGRES to a PostgreSQL server URL"
)


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Migrate once per run; each test then starts from a copy (SQLite) or a truncate (PG)."""
    if BACKEND == "postgres":
        if not POSTGRES_SERVER:
            pytest.exit("PLACEMENT_TEST_BACKEND=postgres needs PLACEMENT_TEST_POSTGRES", 2)
        url = create_postgres_database()
        engine = make_engine(url)
        migrate.upgrade(engine)
        engine.dispose()
        yield url
        drop_postgres_database(url)
        return
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    yield str(path)


_EMPTYING: list[str] = []


def _emptying_sql(connection: Any) -> str:
    """One round trip that empties every table and restarts every sequence. A TRUNCATE of
    all tables costs about 0.7 s a test on PostgreSQL (it makes new files for each table);
    DELETE of a test's few rows costs milliseconds. Foreign-key triggers are off meanwhile
    (the test server's user is a superuser), so the order of the tables does not matter."""
    if not _EMPTYING:
        sequences = connection.execute(
            text(
                "SELECT quote_ident(sequence_schema) || '.' || quote_ident(sequence_name) "
                "FROM information_schema.sequences WHERE sequence_schema = 'public'"
            )
        ).scalars()
        statements = ["SET LOCAL session_replication_role = replica"]
        statements += [f'DELETE FROM "{table.name}"' for table in metadata.sorted_tables]
        statements += [f"ALTER SEQUENCE {sequence} RESTART" for sequence in sequences]
        _EMPTYING.append("; ".join(statements))
    return _EMPTYING[0]


@pytest.fixture
def database_url(migrated_template: str, tmp_path: Path) -> Iterator[str]:
    if BACKEND == "postgres":
        engine = make_engine(migrated_template)
        with engine.begin() as connection:
            connection.execute(text(_emptying_sql(connection)))
        engine.dispose()
        yield migrated_template
        return
    path = tmp_path / "test.db"
    shutil.copyfile(migrated_template, path)
    yield f"sqlite:///{path}"


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        secret_key="test-secret-key-" + "x" * 32,
        environment="test",
        # The client below speaks to http://testserver: mail links point there too.
        base_url="http://testserver",
        mail_dir=tmp_path / "mail",
        upload_dir=tmp_path / "uploads",
        max_upload_bytes=1024 * 1024,
    )


@pytest.fixture
def app(settings: Settings) -> Iterator[Any]:
    application = create_app(settings)
    yield application
    application.state.engine.dispose()


def _test_engine(app: Any) -> Engine:
    """The tests' own engine. On SQLite it keeps the driver's default transactions, which
    begin only at the first write: reads always see the app's latest commit and never hold
    a lock the app's BEGIN IMMEDIATE would wait for."""
    url = app.state.settings.database_url
    if not url.startswith("sqlite"):
        return app.state.engine
    engine = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine, "connect")
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute("PRAGMA foreign_keys=ON")
        dbapi_connection.execute("PRAGMA busy_timeout=30000")

    return engine


@pytest.fixture
def db(app: Any) -> Iterator[Session]:
    """A session on the app's database for arranging and checking; commit what you arrange."""
    engine = _test_engine(app)
    with Session(engine, expire_on_commit=False) as session:
        yield session
    if engine is not app.state.engine:
        engine.dispose()


class Client:
    """A synchronous client over httpx's ASGI transport, with CSRF-aware form posts."""

    def __init__(self, app: Any) -> None:
        self._portal_context = anyio.from_thread.start_blocking_portal()
        self.portal = self._portal_context.__enter__()
        self.http = httpx.AsyncClient(
            transport=httpx.ASGITransport(
                app=app, client=("127.0.0.1", 50000), raise_app_exceptions=False
            ),
            base_url="http://testserver",
            follow_redirects=False,
        )

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        return self.portal.call(lambda: self.http.request(method, url, **kwargs))

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> httpx.Response:
        """A raw POST: nothing added (use `submit` for a form with its CSRF token)."""
        return self.request("POST", url, **kwargs)

    def csrf_token(self) -> str:
        page = self.get("/password/forgot")
        match = CSRF_PATTERN.search(page.text)
        assert match, "no CSRF token on the page"
        return match.group(1)

    def submit(
        self,
        url: str,
        data: dict[str, Any] | None = None,
        *,
        files: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        payload = {"csrf_token": self.csrf_token(), **(data or {})}
        return self.request("POST", url, data=payload, files=files, **kwargs)

    def login(self, email: str, password: str = factories.PASSWORD) -> httpx.Response:
        response = self.submit("/login", {"email": email, "password": password})
        assert response.status_code == 303, response.text[:2000]
        return response

    @property
    def cookies(self) -> httpx.Cookies:
        return self.http.cookies

    def close(self) -> None:
        self.portal.call(self.http.aclose)
        self._portal_context.__exit__(None, None, None)


@pytest.fixture
def make_client(app: Any) -> Iterator[Any]:
    clients: list[Client] = []

    def make() -> Client:
        client = Client(app)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: Any) -> Client:
    return make_client()


# -- personas ------------------------------------------------------------------------------


@pytest.fixture
def graduate_user(db: Session) -> factories.GraduatePersona:
    return factories.graduate(db, email="grace@example.com", first_name="Grace")


@pytest.fixture
def other_graduate_user(db: Session) -> factories.GraduatePersona:
    return factories.graduate(db, email="omar@example.com", first_name="Omar")


@pytest.fixture
def employer_user(db: Session) -> factories.EmployerPersona:
    return factories.employer(db, email="erin@harbor.example", name="Harbor Hospital")


@pytest.fixture
def other_employer_user(db: Session) -> factories.EmployerPersona:
    return factories.employer(db, email="otto@valley.example", name="Valley Rehab")


@pytest.fixture
def staff_user(db: Session) -> factories.User:
    return factories.user(db, email="sam@school.example", role="staff")


@pytest.fixture
def admin_user(db: Session) -> factories.User:
    return factories.user(db, email="ada@school.example", role="admin")


@pytest.fixture
def as_graduate(make_client: Any, graduate_user: factories.GraduatePersona) -> Client:
    client = make_client()
    client.login(graduate_user.user.email)
    return client


@pytest.fixture
def as_other_graduate(make_client: Any, other_graduate_user: factories.GraduatePersona) -> Client:
    client = make_client()
    client.login(other_graduate_user.user.email)
    return client


@pytest.fixture
def as_employer(make_client: Any, employer_user: factories.EmployerPersona) -> Client:
    client = make_client()
    client.login(employer_user.user.email)
    return client


@pytest.fixture
def as_other_employer(make_client: Any, other_employer_user: factories.EmployerPersona) -> Client:
    client = make_client()
    client.login(other_employer_user.user.email)
    return client


@pytest.fixture
def as_staff(make_client: Any, staff_user: factories.User) -> Client:
    client = make_client()
    client.login(staff_user.email)
    return client


@pytest.fixture
def as_admin(make_client: Any, admin_user: factories.User) -> Client:
    client = make_client()
    client.login(admin_user.email)
    return client
