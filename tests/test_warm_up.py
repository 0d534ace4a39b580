"""A new process warms up before its first visitor (issue 19: the landing page's 823 ms were
a first request compiling templates and opening the database)."""

from __future__ import annotations

from placement.app import warm_up
from placement.db import make_engine
from placement.web.templating import templates


def test_it_compiles_every_template_and_opens_the_database(settings):
    engine = make_engine(settings.database_url)
    warm_up(engine)
    engine.dispose()
    cached = {template.name for template in templates.env.cache.values()}
    assert {"base.html", "public/home.html", "errors/error.html"} <= cached
    assert len(cached) >= len(templates.env.list_templates(extensions=["html"]))
