"""The anonymous fast path of the public pages (`/`, `/positions`, `/positions/{id}`).

For a visitor who is not signed in (no user in the session, no bearer token):
- nothing sets a cookie (the CSRF token is made only when a page renders a form);
- the page's `ETag` is the data version (the id of the newest row of the `change` log, which
  every worker and machine shares through the database, and today's date, since positions
  leave the search when their closing date passes), the language and the release of the code;
  a GET whose `If-None-Match` names it is answered `304` without rendering;
- rendered pages are kept in a small in-process cache keyed by path, query, data version and
  language: the next change committed by any worker moves the version, so the next request
  renders afresh;
- `Cache-Control: no-cache` on the request renders afresh, past this cache (benchmarks use it);
- the answer says `Vary: Accept-Language, Cookie` and `Cache-Control: no-cache` (any cache
  may keep it, but must ask again, and gets a 304 while nothing changed).

Signed-in visitors go straight to the view, as before.

On a SQLite file an anonymous page is rendered on the event loop itself, as the reference
page of `placement bench positions` is: an in-process read is shorter than a hop to the
thread pool. The version (one indexed `max(id)`) is read over a read-only connection of this
worker, in one read transaction with the page; the search reads its rows over the same
connection, with no ORM session (`public_page(..., anonymous=...)`). A WAL reader never
waits for a writer. On PostgreSQL (network round trips) both go to the thread pool.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from placement import dates
from placement.web.language import request_language

LATEST_CHANGE_SQL = "SELECT coalesce(max(id), 0) FROM change"
READER_BUSY_MS = 200
MAX_ENTRIES = 512
MAX_BYTES = 32 * 1024 * 1024
VARY = "Accept-Language, Cookie"
PUBLIC_CACHE_CONTROL = "no-cache"

SyncView = Callable[[Request], Response]
ReaderView = Callable[[Request, sqlite3.Connection], Response]


def _release() -> str:
    """A digest of the templates and static files: a new release renders new ETags."""
    root = Path(__file__).resolve().parent.parent.parent
    digest = hashlib.blake2b(digest_size=4)
    for folder in ("templates", "static"):
        for path in sorted((root / folder).rglob("*")):
            if path.is_file():
                digest.update(path.name.encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()


RELEASE = _release()


class SqliteReader:
    """This worker's read-only connection to its SQLite file, for anonymous pages.

    Used from the event loop's thread only, one page at a time (pages on it render
    synchronously), so it needs no lock. A WAL reader never waits for a writer.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self._connection: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            uri = Path(self.path).as_uri() + "?mode=ro"
            connection = sqlite3.connect(
                uri, uri=True, check_same_thread=False, isolation_level=None
            )
            # On the event loop no wait may be long: a WAL reader waits only in rare moments
            # (a WAL recovery, say), and then the page goes the engine's way instead.
            connection.execute(f"PRAGMA busy_timeout={READER_BUSY_MS}")
            self._connection = connection
        return self._connection

    def begin(self) -> tuple[sqlite3.Connection, str]:
        """Start one read transaction and read the data version in it (the version and the
        page it labels read the same data); `end` finishes it."""
        connection = self._connect()
        try:
            connection.execute("BEGIN")
            return connection, read_version(connection)
        except sqlite3.Error:
            self.close()
            raise

    def end(self) -> None:
        if self._connection is not None:
            try:
                self._connection.execute("COMMIT")
            except sqlite3.Error:
                self.close()

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


def sqlite_file(engine: Engine) -> str | None:
    """The SQLite file behind `engine`, None for another database or one in memory."""
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database not in (None, "", ":memory:"):
        return str(Path(database).resolve())
    return None


def read_version(connection: sqlite3.Connection) -> str:
    return _version(int(connection.execute(LATEST_CHANGE_SQL).fetchone()[0]))


def _version(latest: int) -> str:
    return f"{latest}.{dates.today().strftime('%Y%m%d')}"


@dataclass(frozen=True)
class CachedPage:
    body: bytes
    media_type: str


class PageCache:
    """A small LRU of rendered pages of one data version (a newer version empties it).

    Touched only from the event loop's thread, so it needs no lock.
    """

    def __init__(self, max_entries: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.version = ""
        self.size = 0
        self.entries: OrderedDict[tuple[str, str, str], CachedPage] = OrderedDict()
        self.hits = self.misses = 0

    def _at(self, version: str) -> None:
        if version != self.version:
            self.entries.clear()
            self.size = 0
            self.version = version

    def get(self, version: str, key: tuple[str, str, str]) -> CachedPage | None:
        self._at(version)
        page = self.entries.get(key)
        if page is None:
            self.misses += 1
            return None
        self.entries.move_to_end(key)
        self.hits += 1
        return page

    def put(self, version: str, key: tuple[str, str, str], page: CachedPage) -> None:
        self._at(version)
        if len(page.body) > self.max_bytes // 8:
            return
        old = self.entries.pop(key, None)
        if old is not None:
            self.size -= len(old.body)
        self.entries[key] = page
        self.size += len(page.body)
        while len(self.entries) > self.max_entries or self.size > self.max_bytes:
            _, dropped = self.entries.popitem(last=False)
            self.size -= len(dropped.body)


class PublicPages:
    """The state of the fast path in one app: how it reads the version, and its page cache."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.cache = PageCache()
        path = sqlite_file(engine)
        # On a SQLite file anonymous pages render on the event loop over this worker's
        # read-only connection; elsewhere (PostgreSQL) in the thread pool.
        self.sqlite = SqliteReader(path) if path is not None else None

    def read_version(self) -> str:
        """Blocking read through the engine (any thread, any database)."""
        with self.engine.connect() as connection:
            return _version(int(connection.execute(text(LATEST_CHANGE_SQL)).scalar_one()))

    def close(self) -> None:
        if self.sqlite is not None:
            self.sqlite.close()


def is_anonymous(request: Request) -> bool:
    if "authorization" in request.headers:
        return False
    session = request.scope.get("session") or {}
    return "uid" not in session


def wants_fresh(request: Request) -> bool:
    directives = request.headers.get("cache-control", "").lower()
    return (
        "no-cache" in directives
        or "no-store" in directives
        or ("no-cache" in request.headers.get("pragma", "").lower())
    )


def etag_matches(header: str, etag: str) -> bool:
    """If-None-Match by the weak comparison (RFC 9110 13.1.2)."""
    if header.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == opaque for tag in header.split(","))


def public_page(
    view: SyncView, *, anonymous: ReaderView | None = None
) -> Callable[[Request], Awaitable[Response]]:
    """Serve `view` (a synchronous `endpoint`) through the anonymous fast path.

    `anonymous`, where given, is the same page for a visitor who is not signed in, reading
    through a plain read-only SQLite connection: no ORM session, no pooled connection, no
    transaction events (on the search those cost about a tenth of the page).
    """

    async def page(request: Request) -> Response:
        if not is_anonymous(request):
            return await run_in_threadpool(view, request)
        pages: PublicPages = request.app.state.public_pages
        sqlite = pages.sqlite
        snapshot = _begin(sqlite) if sqlite is not None else None
        if sqlite is None or snapshot is None:
            version = await run_in_threadpool(pages.read_version)
            answer = _from_cache(request, pages, version)
            if answer.response is not None:
                return answer.response
            return _keep(pages, answer, await run_in_threadpool(view, request))
        # SQLite answers in-process in a fraction of a millisecond: a thread-pool hop (and
        # the GIL's hand-offs between 20 threads) cost more than the page itself. The
        # version and the page are read in one snapshot, so the ETag names what was shown.
        reader, version = snapshot
        try:
            answer = _from_cache(request, pages, version)
            if answer.response is not None:
                return answer.response
            if anonymous is not None:
                request.state.viewer = None
                return _keep(pages, answer, anonymous(request, reader))
        finally:
            sqlite.end()
        return _keep(pages, answer, view(request))

    page.__name__ = getattr(view, "__name__", "page")
    page.__doc__ = view.__doc__
    return page


def _begin(sqlite: SqliteReader) -> tuple[sqlite3.Connection, str] | None:
    """The reader in a read transaction and the version it sees; None when the file is not
    there yet or busy (the engine's path still answers)."""
    try:
        return sqlite.begin()
    except sqlite3.Error:
        return None


@dataclass(frozen=True)
class _Answer:
    version: str
    key: tuple[str, str, str]
    headers: dict[str, str]
    response: Response | None  # a 304 or the cached page, when there is one


def _from_cache(request: Request, pages: PublicPages, version: str) -> _Answer:
    language = request_language(request)
    etag = f'W/"{version}-{language}-{RELEASE}"'
    headers = {"ETag": etag, "Vary": VARY, "Cache-Control": PUBLIC_CACHE_CONTROL}
    # The origin too: pages carry absolute links (url_for), and ALLOWED_HOSTS may hold
    # several names.
    origin = f"{request.scope.get('scheme', 'http')}://{request.headers.get('host', '')}"
    key = (origin + request.url.path, request.url.query, language)
    response: Response | None = None
    if not wants_fresh(request):
        if etag_matches(request.headers.get("if-none-match", ""), etag):
            response = Response(status_code=304, headers=headers)
        else:
            cached = pages.cache.get(version, key)
            if cached is not None:
                response = Response(cached.body, media_type=cached.media_type, headers=headers)
    return _Answer(version, key, headers, response)


def _keep(pages: PublicPages, answer: _Answer, response: Response) -> Response:
    """A fresh page: kept for the next visitor and labelled, unless it is not for all."""
    if response.status_code != 200 or "set-cookie" in response.headers:
        response.headers.setdefault("Vary", VARY)
        return response
    media_type = response.headers.get("content-type", "text/html; charset=utf-8")
    pages.cache.put(answer.version, answer.key, CachedPage(bytes(response.body), media_type))
    response.headers.update(answer.headers)
    return response
