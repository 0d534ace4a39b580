"""Mail links are absolute from BASE_URL and built from the named routes."""

from __future__ import annotations

from placement import links
from placement.config import Settings


def test_it_builds_an_absolute_link_from_the_base_url_and_a_route_name():
    settings = Settings(base_url="https://careers.school.example")
    assert links.url(settings, "login") == "https://careers.school.example/login"
    assert (
        links.url(settings, "login", query={"next": "/me"})
        == "https://careers.school.example/login?next=%2Fme"
    )


def test_it_builds_paths_below_a_mount():
    assert links.path("graduate:application", application_id=7) == "/me/applications/7"
