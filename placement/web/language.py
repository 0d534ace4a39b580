"""Which language a visitor reads: the remembered choice (cookie), then Accept-Language.

Spanish for a first supported language `es` (any region), English otherwise (CONTRACT.md,
"Languages"). Pure functions of the request's headers, so the public-page cache and the
page's `ETag` can ask before anything is rendered.
"""

from __future__ import annotations

from starlette.requests import Request

LANGUAGES = ("en", "es")
DEFAULT_LANGUAGE = "en"
LANGUAGE_COOKIE = "lang"
MAX_HEADER = 400


def from_accept_language(header: str) -> str:
    """The first supported language of an Accept-Language header by quality."""
    best, best_q = DEFAULT_LANGUAGE, -1.0
    for part in header[:MAX_HEADER].split(","):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        if primary not in LANGUAGES or not 0 < quality <= 1:
            continue
        # Equal qualities keep the header's order (the earlier one wins).
        if quality > best_q:
            best, best_q = primary, quality
    return best


def request_language(request: Request) -> str:
    chosen = request.cookies.get(LANGUAGE_COOKIE, "")
    if chosen in LANGUAGES:
        return chosen
    return from_accept_language(request.headers.get("accept-language", ""))
