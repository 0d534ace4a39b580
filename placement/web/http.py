"""Request plumbing shared by every side: ids in paths, page numbers, links, redirects with a
notice, and who is acting.

- `{name:id}` in a route path matches only an id a table can hold (1 to 2**31-1, PostgreSQL's
  integer), so `/staff/graduates/0` or `/me/applications/99999999999` is a 404 from the router,
  exactly like a missing row.
- `attachment()` answers a download with an RFC 6266/5987 Content-Disposition.
- A notice ("Saved.", "Referral sent") travels as `?done=<code>` on the redirect after a POST and
  is rendered by base.html from `NOTICES`, in the reader's language; no page keeps its own
  dictionary or boolean.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote, urlencode

from starlette.convertors import Convertor, register_url_convertor
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from placement import links, taxonomy
from placement.i18n import N_, gettext, ngettext

MAX_ID = 2**31 - 1
MAX_PAGE = 10_000
NOTICE_PARAM = "done"


def _at_most(limit: str) -> str:
    """A regular expression for the decimal numbers from 1 to `limit` without leading zeros."""
    shorter = f"[1-9][0-9]{{0,{len(limit) - 2}}}" if len(limit) > 1 else ""
    same_length = []
    for index, digit in enumerate(limit):
        head, rest = limit[:index], len(limit) - index - 1
        low = "1" if index == 0 else "0"
        if digit > low:
            top = str(int(digit) - 1)
            digits = low if top == low else f"[{low}-{top}]"
            same_length.append(head + digits + (f"[0-9]{{{rest}}}" if rest else ""))
    same_length.append(limit)
    return "(?:" + "|".join(filter(None, [shorter, *same_length])) + ")"


class IdConvertor(Convertor[int]):
    """A row id in a path: 1 to MAX_ID; anything else does not match the route (404)."""

    regex = _at_most(str(MAX_ID))

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        number = int(value)
        if not 0 < number <= MAX_ID:
            raise ValueError(f"{value!r} is not an id")
        return str(number)


register_url_convertor("id", IdConvertor())


def client_address(request: Request) -> str:
    return request.client.host if request.client else ""


# -- page numbers and links ------------------------------------------------------------------


def page_number(params: Mapping[str, Any], maximum: int = MAX_PAGE) -> int:
    """`?page=N` as 1 to `maximum`; a missing or malformed number is page 1, a larger one the
    last page allowed."""
    raw = str(params.get("page", "1")).strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 9:
        return 1
    return min(max(int(raw), 1), maximum)


def path(request: Request, name: str, **params: Any) -> str:
    """The site-relative path of a named route (`"staff:graduate"`, `"login"`, …), from the
    remembered paths of `links.path` (the app's routes are the same table)."""
    return links.path(name, **params)


def url(
    request: Request,
    name: str,
    *,
    query: Mapping[str, Any] | list[tuple[str, Any]] | None = None,
    fragment: str = "",
    **params: Any,
) -> str:
    """A named route's path with an optional query (empty values left out) and fragment."""
    return with_query(path(request, name, **params), query, fragment)


def with_query(
    link: str,
    query: Mapping[str, Any] | list[tuple[str, Any]] | None = None,
    fragment: str = "",
) -> str:
    pairs = list(query.items()) if isinstance(query, Mapping) else list(query or [])
    pairs = [(key, value) for key, value in pairs if value is not None and value != ""]
    if pairs:
        link += "?" + urlencode(pairs)
    return link + (f"#{fragment}" if fragment else "")


def here(request: Request) -> str:
    """The current path and query (without a notice), to come back to after a POST."""
    query = [(k, v) for k, v in request.query_params.multi_items() if k != NOTICE_PARAM]
    return request.url.path + ("?" + urlencode(query) if query else "")


def page_link(request: Request) -> Callable[[int], str]:
    """Links to other pages of the current list, keeping its filters."""

    def link(number: int) -> str:
        query = [
            (k, v) for k, v in request.query_params.multi_items() if k not in ("page", NOTICE_PARAM)
        ]
        if number > 1:
            query.append(("page", str(number)))
        return request.url.path + ("?" + urlencode(query) if query else "")

    return link


# -- redirects with a notice -----------------------------------------------------------------

# Every notice of the site, by code, in English (the catalogue's message ids): a text shown
# with `gettext` (`%(detail)s` is filled from `?detail=`, a stage's label…) or, for a count in
# `?detail=`, a function of the count that words it with `ngettext`.
NOTICES: dict[str, str | Callable[[int], str]] = {
    # staff
    "approved": N_("Approved."),
    "rejected": N_("Rejected: the organisation sees the reason."),
    "suspended": N_("Suspended: its positions left the search and its users were signed out."),
    "change_approved": N_("Change approved: the public pages and the search show the new details."),
    "change_rejected": N_(
        "Change rejected: the approved details stay, and the organisation sees the reason."
    ),
    "verified": N_("Verified."),
    "claim_linked": N_("Linked: the account is now the roster record's login."),
    "claim_rejected": N_("Claim rejected: the account stays unverified."),
    "record_saved": N_("The school's record was corrected (the audit log keeps before and after)."),
    "bulk_verified": lambda n: ngettext(
        "Verified %(num)s credential.",
        "Verified %(num)s credentials.",
        n,
    ),
    "bulk_partly": lambda n: ngettext(
        "Verified %(num)s credential; the others were verified already.",
        "Verified %(num)s credentials; the others were verified already.",
        n,
    ),
    "outcome": N_("Outcome saved."),
    "referred": N_("Referral sent: the graduate was notified."),
    "already_referred": N_("This graduate already has an open referral for this position."),
    "placed": N_("Placement recorded: the graduate's outcome is now placed."),
    "already_placed": N_("This placement was already recorded."),
    "placement_verified": N_("Placement verified."),
    "merged": N_(
        "Records merged: applications, credentials, placements, messages and history "
        "are now this record's; the other record remains only as a trace (the audit log has both)."
    ),
    "evidence": N_("Document added to the placement's evidence."),
    "verification_requested": lambda n: ngettext(
        "Verification link mailed to %(num)s contact; it works once, for 30 days.",
        "Verification link mailed to %(num)s contacts; each works once, for 30 days.",
        n,
    ),
    "survey_sent": N_("Survey link mailed to the graduate; it works once, for 30 days."),
    "surveys_sent": lambda n: ngettext(
        "Survey link mailed to %(num)s graduate without a verified placement.",
        "Survey links mailed to %(num)s graduates without a verified placement.",
        n,
    ),
    "revoked": N_("Token revoked: it no longer works."),
    "published": lambda n: ngettext(
        "Round published: %(num)s referral created.",
        "Round published: %(num)s referrals created.",
        n,
    ),
    "published_one": N_("Round published: 1 referral created."),
    "published_none": N_(
        "No new referrals: the round was already published, or each graduate "
        "already had an open referral to that position."
    ),
    # admin
    "deactivated": N_("Account deactivated: every session of it has ended."),
    "activated": N_("Account reactivated: its owner can sign in again."),
    "invited": N_("Invitation sent: the new user chooses a password from the link in the e-mail."),
    # employers
    "draft": N_("Saved as a draft. Nobody else sees it until you submit it."),
    "submitted": N_("Submitted: career services reviews it before it is published."),
    "review": N_(
        "Your changes were saved. They change what career services reviews (the "
        "title, description, pay or requirements), so the position waits for career services to "
        "review it again and is not in the search meanwhile."
    ),
    "saved": N_("Your changes are saved and published."),
    "closed": N_("The position is closed and no longer in the search."),
    "organization_saved": N_("Your changes are saved."),
    "organization_held": N_(
        "Saved. A new name, website or NPI waits for career services to "
        "approve it; until then every page shows the approved details."
    ),
    "member_removed": N_(
        "The colleague was removed; their account is closed and signed out everywhere."
    ),
    "member_promoted": N_("The colleague is now an owner of the organisation too."),
    "moved": N_("The candidate was moved to %(detail)s and told by message."),
    "invited_to_apply": N_("Invitation sent: the graduate was notified and can apply from it."),
    "already_invited": N_("This graduate was already invited to this position."),
    "filled": N_(
        "Hired. Every opening is now filled: the position is marked filled and the "
        "candidates still waiting were told."
    ),
    # graduates
    "profile_saved": N_("Your profile was saved."),
    "resume": N_("Your résumé was uploaded."),
    "applied": N_("Your application was sent."),
    "withdrawn": N_("You withdrew."),
    "accepted": N_("You accepted the referral; the employer can now see your application."),
    "declined": N_("You declined the referral."),
    "renewed": N_(
        "Renewed: career services will verify the new card; the earlier one is kept in its history."
    ),
    "unchanged": N_("Nothing changed."),
    "document": N_("Your scan was uploaded."),
    "invitation_declined": N_("You declined the invitation; the employer is not told why."),
    "privacy_saved": N_("Your choice was saved."),
    "search_saved": N_("Search saved: new positions that match it come to you by mail, each once."),
    "search_deleted": N_("The saved search was deleted."),
    "interest_saved": N_(
        "The employer now sees you among the graduates interested in its future "
        "openings; we will tell you when it opens a position you match."
    ),
    "interest_withdrawn": N_("You are no longer in this employer's talent pool."),
    # accounts
    "password_changed": N_(
        "Your password was changed. Every other session of your account has been signed out."
    ),
    "colleague_invited": N_(
        "The invitation is on its way. We sent your colleague a link by e-mail "
        "to choose a password; it works once, for 7 days. An address that already has an "
        "account on the network cannot join another organisation: its owner is told so by "
        "e-mail."
    ),
    "confirmation_sent": N_(
        "We sent a new link to confirm your e-mail address. It works once, "
        "for 7 days; earlier links no longer work."
    ),
    "already_confirmed": N_("Your e-mail address is already confirmed."),
    "reset_sent": N_(
        "If an account exists for that address, we have sent it a link to choose a "
        "new password. The link works once and expires soon."
    ),
}

DETAIL_PARAM = "detail"


def with_notice(target: str, notice: str | None, detail: str | None = None) -> str:
    """`target` with `?done=notice` (and `&detail=`) added before any fragment."""
    if notice is None:
        return target
    assert notice in NOTICES, f"unknown notice {notice!r}"
    base, hash_mark, fragment = target.partition("#")
    pairs = [(NOTICE_PARAM, notice)] + ([(DETAIL_PARAM, detail)] if detail is not None else [])
    base += ("&" if "?" in base else "?") + urlencode(pairs)
    return base + hash_mark + fragment


def redirect(
    request: Request,
    name: str,
    *,
    notice: str | None = None,
    detail: str | None = None,
    query: Mapping[str, Any] | None = None,
    fragment: str = "",
    **params: Any,
) -> RedirectResponse:
    """303 to a named route, with a notice shown there."""
    return redirect_to(url(request, name, query=query, fragment=fragment, **params), notice, detail)


def redirect_to(
    target: str, notice: str | None = None, detail: str | None = None
) -> RedirectResponse:
    """303 to a path already checked as local (a `next` field, `here`), with a notice."""
    return RedirectResponse(with_notice(target, notice, detail), status_code=303)


def notice(request: Request) -> str | None:
    """The message of `?done=` on this page in the reader's language, or None for a missing
    or unknown code (or a detail that is not one: a count, a code)."""
    message = NOTICES.get(request.query_params.get(NOTICE_PARAM, ""))
    if message is None:
        return None
    detail = request.query_params.get(DETAIL_PARAM, "")
    if callable(message):
        if not detail.isascii() or not detail.isdigit() or len(detail) > 9:
            return None
        return message(int(detail))
    if "%(detail)s" not in message:
        return gettext(message)
    if not detail or len(detail) > 40 or not detail.replace("_", "").isalnum():
        return None
    label = taxonomy.STAGE_LABELS.get(detail, detail)
    return gettext(message, detail=label)


# -- downloads -------------------------------------------------------------------------------

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
