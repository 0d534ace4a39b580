"""Nothing a user sends produces a 500: every route, as every role, with hostile input."""

from __future__ import annotations

import pytest

from tests import factories
from tests.web.test_routes import POSTS, ROUTE_TABLE

FIELDS = (
    "email",
    "password",
    "current_password",
    "first_name",
    "last_name",
    "student_id",
    "program",
    "graduation_date",
    "organization_name",
    "organization_kind",
    "npi",
    "zip",
    "website",
    "contact_name",
    "title",
    "description",
    "setting",
    "employment_type",
    "pay_min",
    "pay_max",
    "start_date",
    "openings",
    "min_training_hours",
    "closes_on",
    "required_modalities",
    "preferred_modalities",
    "required_credentials",
    "preferred_credentials",
    "shifts",
    "action",
    "version",
    "stage",
    "note",
    "reason",
    "name",
    "role",
    "code",
    "number",
    "state",
    "issued_on",
    "expires_on",
    "cover_note",
    "training_hours",
    "clinical_hours",
    "travel_radius_miles",
    "settings",
    "employment_types",
    "availability",
    "pay_expectation",
    "bio",
    "visibility",
    "seeking",
    "modality_swedish",
    "position_id",
    "graduate_id",
    "employer_name",
    "job_title",
    "hours_per_week",
    "field",
    "method",
    "status",
    "unavailable_reason",
    "algorithm",
    "next",
    "skip_bad_rows",
    "q",
    "page",
    "radius",
    "limit",
    "cohort",
    "modality",
    "format",
    "invitations",
    "query",
)
HOSTILE = (
    "",
    " ",
    "\x00",
    "x" * 20_000,
    "-1",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "2026-02-30",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "'; DROP TABLE user; --",
    "ü\u202e\ufeff🙂",
    "//evil.example",
)
PATHS_WITH_IDS = ("1", "2147483648", "99999999999999999999")


def _variants(path: str) -> list[str]:
    return [path] + [path.replace("/1/", f"/{value}/") for value in PATHS_WITH_IDS[1:]]


@pytest.fixture
def world(db, employer_user, graduate_user, staff_user):
    """A few real rows so that id 1 exists for most kinds of object."""
    position = factories.position(db, employer_user.employer.id)
    factories.application(db, position.id, graduate_user.graduate.id)
    factories.credential(db, graduate_user.graduate.id, "bls_cpr")
    return position


@pytest.mark.parametrize("persona", ["as_graduate", "as_employer", "as_admin", "client"])
def test_every_post_survives_hostile_forms(request, world, persona):
    client = request.getfixturevalue(persona)
    for path in POSTS:
        for variant in _variants(path):
            for value in HOSTILE:
                data = {name: value for name in FIELDS}
                response = client.submit(variant, data)
                assert response.status_code < 500, (persona, variant, repr(value)[:40])


@pytest.mark.parametrize("persona", ["as_graduate", "as_employer", "as_admin", "client"])
def test_every_page_survives_hostile_queries(request, world, persona):
    client = request.getfixturevalue(persona)
    gets = [path for path, method in ROUTE_TABLE if method == "GET"]
    for path in gets:
        for variant in _variants(path):
            for value in [v if len(v) < 1000 else "x" * 2000 for v in HOSTILE]:
                params = {
                    name: value
                    for name in (
                        "q",
                        "page",
                        "zip",
                        "radius",
                        "limit",
                        "status",
                        "cohort",
                        "modality",
                        "setting",
                        "format",
                        "column",
                        "next",
                        "action",
                    )
                }
                response = client.get(variant, params=params)
                assert response.status_code < 500, (persona, variant, repr(value)[:40])
