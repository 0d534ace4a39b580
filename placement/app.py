"""The application factory: routes, middleware, error pages, lifespan."""

from __future__ import annotations

import contextlib
import gc
import logging
import mimetypes
from collections.abc import AsyncIterator
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from placement import dates, geo
from placement.config import Settings, load_settings
from placement.db import make_engine
from placement.security import Passwords, make_hasher
from placement.web import (
    account,
    admin,
    api,
    auth,
    conversation,
    employers,
    graduates,
    identity,
    language,
    matching,
    outbox,
    outcomes,
    positions,
    public,
    sourcing,
    staff,
)
from placement.web.errors import EXCEPTION_HANDLERS
from placement.web.language import LanguageMiddleware
from placement.web.middleware import (
    AllowedHostsMiddleware,
    BearerMiddleware,
    BodyLimitMiddleware,
    CSRFMiddleware,
    SecurityHeadersMiddleware,
    SessionMiddleware,
)
from placement.web.public_cache import PublicPages
from placement.web.templating import templates

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def build_routes() -> list[BaseRoute]:
    """Every route of the site, named; `placement.links` builds mail links from the same table."""
    return [
        *public.routes,
        *language.routes,
        *auth.routes,
        *account.routes,
        *positions.routes,
        *graduates.public_routes,
        *conversation.public_routes,
        *sourcing.public_routes,
        *outcomes.public_routes,
        # Each side's home answers at its bare prefix (/me, /employer, /staff) as the contract
        # says; a Mount alone would only match below it.
        Route("/me", graduates.home, name="graduate_home"),
        Route("/employer", employers.home, name="employer_home"),
        Route("/staff", staff.home, name="staff_home"),
        Mount(
            "/me",
            routes=[*graduates.routes, *conversation.graduate_routes, *sourcing.graduate_routes],
            name="graduate",
        ),
        Mount(
            "/employer",
            routes=[*employers.routes, *conversation.employer_routes, *sourcing.employer_routes],
            name="employer",
        ),
        Mount(
            "/staff",
            routes=[
                *staff.routes,
                *matching.routes,
                *conversation.staff_routes,
                *outbox.routes,
                *identity.routes,
                *outcomes.staff_routes,
            ],
            name="staff",
        ),
        Mount("/admin", routes=admin.routes, name="admin"),
        Mount("/api/v1", routes=api.routes, name="api"),
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
    ]


def warm_up(engine: Engine) -> None:
    """Pay before the first visitor what a new process pays once: compiling the templates,
    the first database connection, the MIME table of the static files. (The landing page's
    823 ms was a first request: these, plus starting the thread pool, which running this
    in it does too. Warm, the page is served from the public cache in a few ms.)"""
    for name in templates.env.list_templates(extensions=["html"]):
        templates.env.get_template(name)
    mimetypes.init()
    geo.warm_up()
    with engine.connect() as connection:
        connection.execute(text("SELECT 1"))


def freeze_start_up_objects() -> None:
    """Leave what start-up built (modules, templates, the ZIP table) out of every later
    garbage collection. A full collection walks every tracked object: with the ZIP table
    loaded one took about 70 ms on this machine, a pause in the middle of some visitor's
    request every few hundred requests (measured on the public search)."""
    gc.collect()
    gc.freeze()


def create_app(settings: Settings | None = None) -> Starlette:
    settings = settings or load_settings()
    dates.use_school_zone(settings.zone)
    engine = make_engine(settings.database_url)
    public_pages = PublicPages(engine)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if not settings.testing:  # tests start an app each: they would pay it every time
            await run_in_threadpool(warm_up, engine)
            freeze_start_up_objects()
        yield
        public_pages.close()
        engine.dispose()

    routes = build_routes()
    middleware = [
        Middleware(SecurityHeadersMiddleware, production=settings.production),
        Middleware(LanguageMiddleware),
        Middleware(AllowedHostsMiddleware, allowed_hosts=tuple(sorted(settings.hosts))),
        Middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes),
        Middleware(BearerMiddleware),
        Middleware(
            SessionMiddleware, secret_key=settings.secret_key, production=settings.production
        ),
        Middleware(CSRFMiddleware),
    ]
    app = Starlette(
        debug=False,
        routes=routes,
        middleware=middleware,
        exception_handlers=EXCEPTION_HANDLERS,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.public_pages = public_pages
    app.state.url_paths = {}
    app.state.passwords = Passwords(make_hasher(fast=settings.testing))
    _configure_logging()
    return app


def _configure_logging() -> None:
    """Our own messages at INFO; other libraries keep their defaults."""
    logger = logging.getLogger("placement")
    logger.setLevel(logging.INFO)
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
        logger.addHandler(handler)
        logger.propagate = False
