"""A page's title block holds its title only: an unclosed `{% block title %}` once put a
whole section, forms and all, inside the invitations page's <title>."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
TITLE = re.compile(r"{%-?\s*block title\s*-?%}(.*?){%-?\s*endblock", re.S)


def test_every_title_block_is_one_line_of_text():
    offenders = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        for title in TITLE.findall(path.read_text(encoding="utf-8")):
            if "\n" in title or "<" in title:
                offenders.append(f"{path.relative_to(TEMPLATES)}: {title[:60]!r}")
    assert offenders == []


def test_the_invitations_page_has_a_plain_title(as_graduate):
    page = as_graduate.get("/me/invitations")
    assert page.status_code == 200
    title = re.search(r"<title>(.*?)</title>", page.text, re.S)
    assert title and title.group(1) == "Invitations to apply · Career Services"
