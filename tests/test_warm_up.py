"""A new process warms up before its first visitor (issue 19: the landing page's 823 ms were
a first request compiling templates and opening the database)."""

from __future__ import annotations

import dataclasses
import gc

import anyio

from placement import geo
from placement.app import create_app, warm_up
from placement.db import make_engine
from placement.web.templating import templates


def test_it_compiles_every_template_and_opens_the_database(settings):
    engine = make_engine(settings.database_url)
    warm_up(engine)
    engine.dispose()
    cached = {template.name for template in templates.env.cache.values()}
    assert {"base.html", "public/home.html", "errors/error.html"} <= cached
    assert len(cached) >= len(templates.env.list_templates(extensions=["html"]))


def test_a_server_leaves_its_start_up_objects_out_of_later_collections(settings):
    """A full collection walked every module, template and ZIP of the process (about 70 ms
    with the ZIP table loaded): a pause inside some visitor's request."""
    app = create_app(dataclasses.replace(settings, environment="development"))
    seen: dict[str, int] = {}

    async def start_and_stop() -> None:
        async with app.router.lifespan_context(app):
            seen["zip arrays"] = geo._centroid_arrays.cache_info().currsize
            seen["frozen"] = gc.get_freeze_count()

    gc.unfreeze()
    try:
        with anyio.from_thread.start_blocking_portal() as portal:
            portal.call(start_and_stop)
        assert seen["zip arrays"] == 1
        assert seen["frozen"] > 10_000
    finally:
        gc.unfreeze()
        app.state.engine.dispose()
