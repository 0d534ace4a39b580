"""Career services: work queues, reviews, graduates, roster import, credentials, referrals,
placements, the outcome report, the audit log and the staff's own API tokens — one module per
queue or page.

Every view is `endpoint("staff")` (admins included). Views parse the input, call one service
function and redirect (303) or re-render the same page with messages (422, 409 for a race).
`routes` is mounted at /staff (named `staff:…`); `home` answers at the bare /staff.
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from placement.web.staff import (
    audit,
    credentials,
    employers,
    graduates,
    outcomes,
    placements,
    positions,
    referrals,
    tokens,
)
from placement.web.staff.home import home

routes: list[BaseRoute] = [
    *employers.routes,
    *positions.routes,
    *graduates.routes,
    *credentials.routes,
    *referrals.routes,
    *placements.routes,
    *outcomes.routes,
    *audit.routes,
    *tokens.routes,
]

__all__ = ["home", "routes"]
