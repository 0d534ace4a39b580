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

On SQLite an anonymous page is rendered on the event loop itself, as the reference page of
`placement bench positions` is: an in-process read is shorter than a hop to the thread pool.
On PostgreSQL (network round trips) it goes to the thread pool.

Reading the version costs one indexed `max(id)`. On SQLite it runs on the event loop over a
read-only connection of this worker (a few microseconds, and a WAL reader never waits for a
writer); on PostgreSQL it goes to the thread pool like any other query.
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
MAX_ENTRIES = 512
MAX_BYTES = 32 * 1024 * 1024
VARY = "Accept-Language, Cookie"
PUBLIC_CACHE_CONTROL = "no-cache"

SyncView = Callable[[Request], Response]


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


class DataVersion:
    """The newest change id, read fresh for every request that asks."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sqlite_path: str | None = None
        database = engine.url.database
        if engine.dialect.name == "sqlite" and database not in (None, "", ":memory:"):
            self._sqlite_path = str(Path(database).resolve())
        self._connection: sqlite3.Connection | None = None

    def _read_sqlite(self) -> int:
        if self._connection is None:
            uri = Path(self._sqlite_path or "").as_uri() + "?mode=ro"
            self._connection = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self._connection.execute("PRAGMA busy_timeout=5000")
        return int(self._connection.execute(LATEST_CHANGE_SQL).fetchone()[0])

    def read(self) -> int:
        """Blocking read through the engine (any thread, any database)."""
        with self.engine.connect() as connection:
            return int(connection.execute(text(LATEST_CHANGE_SQL)).scalar_one())

    async def current(self) -> str:
        if self._sqlite_path is not None:
            try:
                latest = self._read_sqlite()
            except sqlite3.Error:
                self.close()
                latest = await run_in_threadpool(self.read)
        else:
            latest = await run_in_threadpool(self.read)
        return f"{latest}.{dates.today().strftime('%Y%m%d')}"

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None


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
    """The state of the fast path in one app: its version reader and its page cache."""

    def __init__(self, engine: Engine) -> None:
        self.version = DataVersion(engine)
        self.cache = PageCache()
        # Anonymous pages render on the event loop on SQLite, in the thread pool otherwise.
        self.inline = engine.dialect.name == "sqlite"

    def close(self) -> None:
        self.version.close()


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


def public_page(view: SyncView) -> Callable[[Request], Awaitable[Response]]:
    """Serve `view` (a synchronous `endpoint`) through the anonymous fast path."""

    async def page(request: Request) -> Response:
        if not is_anonymous(request):
            return await run_in_threadpool(view, request)
        pages: PublicPages = request.app.state.public_pages
        version = await pages.version.current()
        language = request_language(request)
        etag = f'W/"{version}-{language}-{RELEASE}"'
        headers = {"ETag": etag, "Vary": VARY, "Cache-Control": PUBLIC_CACHE_CONTROL}
        fresh = wants_fresh(request)
        if not fresh and etag_matches(request.headers.get("if-none-match", ""), etag):
            return Response(status_code=304, headers=headers)
        # The origin too: pages carry absolute links (url_for), and ALLOWED_HOSTS may hold
        # several names.
        origin = f"{request.scope.get('scheme', 'http')}://{request.headers.get('host', '')}"
        key = (origin + request.url.path, request.url.query, language)
        if not fresh:
            cached = pages.cache.get(version, key)
            if cached is not None:
                return Response(cached.body, media_type=cached.media_type, headers=headers)
        if pages.inline:
            # SQLite answers in-process in a fraction of a millisecond: a thread-pool hop
            # (and the GIL's hand-offs between 20 threads) cost more than the page itself.
            request.state.on_event_loop = True
            response = view(request)
        else:
            response = await run_in_threadpool(view, request)
        if response.status_code != 200 or "set-cookie" in response.headers:
            response.headers.setdefault("Vary", VARY)
            return response
        media_type = response.headers.get("content-type", "text/html; charset=utf-8")
        pages.cache.put(version, key, CachedPage(bytes(response.body), media_type))
        response.headers.update(headers)
        return response

    page.__name__ = getattr(view, "__name__", "page")
    page.__doc__ = view.__doc__
    return page
