"""What every employer view needs: the signed-in member's organisation (404 without one)."""

from __future__ import annotations

from placement.web.guards import Viewer, not_found


def _employer_id(current: Viewer) -> int:
    if current.employer_id is None:
        raise not_found()
    return current.employer_id
