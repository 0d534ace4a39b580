"""Small HTTP helpers shared by every side of the site."""

from __future__ import annotations

import re
from urllib.parse import quote

from starlette.responses import Response

# RFC 5987 attr-char beyond letters and digits: everything else is percent-encoded.
_ATTR_CHARS = "!#$&+-.^_`|~"
_UNSAFE_FALLBACK = re.compile(r'[^\x20-\x7e]+|["\\;%]')


def content_disposition(filename: str) -> str:
    """`attachment` with an ASCII fallback name and the exact name as UTF-8 (RFC 6266 and
    RFC 5987), so a name in any script (`李明 CV.pdf`) reaches every browser intact."""
    name = filename.replace("\r", "").replace("\n", "").strip() or "download"
    fallback = _UNSAFE_FALLBACK.sub("_", name).strip() or "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe=_ATTR_CHARS)}"


def attachment(data: bytes | str, filename: str, media_type: str) -> Response:
    """A download: never rendered inline, sniffed or cached."""
    return Response(
        data,
        media_type=media_type,
        headers={
            "Content-Disposition": content_disposition(filename),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "no-store",
        },
    )
