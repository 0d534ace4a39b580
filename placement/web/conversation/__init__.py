"""The hiring conversation's routes on the three sides: messages, interviews, offers and
private notes (one module each; `pages` holds the loader and the panels).

Each application page (the graduate's, the employer's, staff's) shows the conversation through
`panel`; the actions here load the application through `conversation.application_for_party`
(404 for anyone outside its three parties), call one service function and answer 303, or
render the same page again with the message at the field and what was typed kept.
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from placement.web.conversation.interviews import (
    cancel_interview,
    confirm_interview,
    decline_interview,
    interview_calendar,
    my_interviews,
    propose_interview,
)
from placement.web.conversation.messages import post_message
from placement.web.conversation.offers import accept_offer, add_note, decline_offer, make_offer
from placement.web.conversation.pages import (
    PAGE_ROUTES,
    dashboard,
    extra_panels,
    panel,
    staff_application,
)
from placement.web.guards import endpoint

public_routes: list[BaseRoute] = [
    Route(
        "/interviews/{interview_id:id}.ics",
        interview_calendar,
        methods=["GET"],
        name="interview_ics",
    ),
]
graduate_routes: list[BaseRoute] = [
    Route(
        "/applications/{application_id:id}/offer/accept",
        accept_offer,
        methods=["POST"],
        name="offer_accept",
    ),
    Route(
        "/applications/{application_id:id}/offer/decline",
        decline_offer,
        methods=["POST"],
        name="offer_decline",
    ),
    Route("/interviews", my_interviews, methods=["GET"], name="interviews"),
    Route(
        "/interviews/{interview_id:id}/confirm",
        confirm_interview,
        methods=["POST"],
        name="interview_confirm",
    ),
    Route(
        "/interviews/{interview_id:id}/decline",
        decline_interview,
        methods=["POST"],
        name="interview_decline",
    ),
    Route(
        "/applications/{application_id:id}/messages",
        endpoint("graduate")(post_message),
        methods=["POST"],
        name="application_messages",
    ),
]
employer_routes: list[BaseRoute] = [
    Route(
        "/applications/{application_id:id}/offer",
        make_offer,
        methods=["POST"],
        name="application_offer",
    ),
    Route(
        "/applications/{application_id:id}/notes",
        add_note,
        methods=["POST"],
        name="application_notes",
    ),
    Route(
        "/applications/{application_id:id}/interviews",
        propose_interview,
        methods=["POST"],
        name="application_interviews",
    ),
    Route(
        "/interviews/{interview_id:id}/cancel",
        cancel_interview,
        methods=["POST"],
        name="interview_cancel",
    ),
    Route(
        "/applications/{application_id:id}/messages",
        endpoint("employer")(post_message),
        methods=["POST"],
        name="application_messages",
    ),
]
staff_routes: list[BaseRoute] = [
    Route(
        "/applications/{application_id:id}",
        staff_application,
        methods=["GET"],
        name="application",
    ),
    Route(
        "/applications/{application_id:id}/messages",
        endpoint("staff")(post_message),
        methods=["POST"],
        name="application_messages",
    ),
]

__all__ = [
    "PAGE_ROUTES",
    "dashboard",
    "employer_routes",
    "extra_panels",
    "graduate_routes",
    "panel",
    "public_routes",
    "staff_routes",
]
