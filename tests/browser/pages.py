"""Steps a person takes in the browser that many journeys share."""

from __future__ import annotations

from typing import Any

from tests import factories


def sign_in(page: Any, base_url: str, email: str, password: str = factories.PASSWORD) -> None:
    page.goto(base_url + "/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
