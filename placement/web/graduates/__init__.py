"""The graduate's side (/me): dashboard, profile, credentials, résumé, applications,
referrals, notifications and privacy; and applying to a position (/positions/{id}/apply).
One module per page or group of pages; this one holds the route table.

Every view loads the graduate's records through the graduate (services raise NotFound for
anyone else's id, answered 404 here exactly like a missing id).
"""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from placement.web.graduates import (
    applications,
    credentials,
    dashboard,
    privacy,
    profile,
    referrals,
)
from placement.web.graduates.credentials import credential_document_response
from placement.web.graduates.dashboard import home
from placement.web.graduates.profile import resume_response

routes: list[BaseRoute] = [
    Route("/profile", profile.profile, methods=["GET", "POST"], name="profile"),
    Route("/credentials", credentials.credentials, methods=["GET", "POST"], name="credentials"),
    Route(
        "/credentials/{credential_id:id}/edit",
        credentials.credential_edit,
        methods=["GET", "POST"],
        name="credential_edit",
    ),
    Route(
        "/credentials/{credential_id:id}/document",
        credentials.credential_document,
        methods=["GET", "POST"],
        name="credential_document",
    ),
    Route(
        "/credentials/{credential_id:id}/delete",
        credentials.credential_delete,
        methods=["POST"],
        name="credential_delete",
    ),
    Route("/resume", profile.resume, methods=["GET", "POST"], name="resume"),
    Route("/applications", applications.application_list, name="applications"),
    Route("/applications/{application_id:id}", applications.application_detail, name="application"),
    Route(
        "/applications/{application_id:id}/withdraw",
        applications.application_withdraw,
        methods=["POST"],
        name="application_withdraw",
    ),
    Route("/referrals", referrals.referral_list, name="referrals"),
    Route(
        "/referrals/{referral_id:id}/accept",
        referrals.referral_accept,
        methods=["POST"],
        name="referral_accept",
    ),
    Route(
        "/referrals/{referral_id:id}/decline",
        referrals.referral_decline,
        methods=["POST"],
        name="referral_decline",
    ),
    Route(
        "/notifications/read",
        dashboard.notifications_read,
        methods=["POST"],
        name="notifications_read",
    ),
    Route("/privacy", privacy.privacy, methods=["GET", "POST"], name="privacy"),
    Route("/export", privacy.export, name="export"),
    Route("/delete", privacy.delete_account, methods=["POST"], name="delete"),
]

# Graduate actions that live under public URLs (POST /positions/{id}/apply).
public_routes: list[BaseRoute] = [
    Route(
        "/positions/{position_id:id}/apply",
        applications.apply,
        methods=["GET", "POST"],
        name="apply",
    ),
]

__all__ = ["credential_document_response", "home", "public_routes", "resume_response", "routes"]
