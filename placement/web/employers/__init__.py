"""The employer's side (/employer): dashboard, organisation, team, positions and candidates.

Every view loads what it shows through the signed-in member's organisation, so another
employer's id answers 404 exactly like a missing one (services raise NotFound).
One module per page or group of pages; this one holds the route table.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from placement.web.employers import candidates, dashboard, organization, positions, team
from placement.web.employers.dashboard import home

routes: list[BaseRoute] = [
    Route(
        "/notifications/read",
        dashboard.read_notifications,
        methods=["POST"],
        name="notifications_read",
    ),
    Route("/organization", organization.organization, methods=["GET", "POST"], name="organization"),
    Route("/team", team.team, methods=["GET", "POST"], name="team"),
    Route("/team/{user_id:id}/remove", team.remove_member, methods=["POST"], name="team_remove"),
    Route("/team/{user_id:id}/owner", team.promote_member, methods=["POST"], name="team_owner"),
    Route("/positions/new", positions.position_form, methods=["GET", "POST"], name="position_new"),
    Route(
        "/positions/{position_id:id}", positions.position_detail, methods=["GET"], name="position"
    ),
    Route(
        "/positions/{position_id:id}/edit",
        positions.position_form,
        methods=["GET", "POST"],
        name="position_edit",
    ),
    Route(
        "/positions/{position_id:id}/close",
        positions.close_position,
        methods=["POST"],
        name="position_close",
    ),
    Route(
        "/positions/{position_id:id}/candidates",
        candidates.candidates,
        methods=["GET"],
        name="candidates",
    ),
    Route(
        "/applications/{application_id:id}",
        candidates.application_detail,
        methods=["GET"],
        name="application",
    ),
    Route(
        "/applications/{application_id:id}/stage",
        candidates.move_stage,
        methods=["POST"],
        name="application_stage",
    ),
    Route(
        "/applications/{application_id:id}/resume",
        candidates.resume,
        methods=["GET"],
        name="application_resume",
    ),
]

__all__ = ["home", "routes"]
