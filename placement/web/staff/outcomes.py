"""The outcome report by accreditor profile (by cohort or by reporting period) and the
graduates behind each figure; both download as CSV, each download in the audit log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from placement import dates, taxonomy
from placement.i18n import gettext
from placement.services import accreditors, audit, reports, staff_search
from placement.web.guards import actor, endpoint
from placement.web.http import attachment, page_link, url
from placement.web.staff.common import page_of
from placement.web.templating import render

PEOPLE_PER_PAGE = 200


def _cohort_param(request: Request) -> tuple[int | None, str | None]:
    raw = request.query_params.get("cohort", "").strip()
    if not raw:
        return None, None
    if raw.isdigit() and len(raw) == 4 and 1900 <= int(raw) <= 2100:
        return int(raw), None
    return None, gettext("Enter a cohort as a graduation year, e.g. 2025.")


def _year_param(request: Request, name: str, problem: str) -> tuple[int | None, str | None]:
    """A four-digit year from the query, or `problem` (the message for anything else)."""
    raw = request.query_params.get(name, "").strip()
    if not raw:
        return None, None
    if raw.isdigit() and len(raw) == 4 and 1900 <= int(raw) <= 2100:
        return int(raw), None
    return None, problem


@dataclass(frozen=True)
class ReportParams:
    """`cohort`, `period`, `accreditor` and `format` of the report and its drill-downs."""

    cohort: int | None
    period: int | None
    accreditor: str
    fmt: str
    problem: str | None

    @property
    def label(self) -> str:
        return f"period {self.period}" if self.period else f"cohort {self.cohort or 'all'}"

    def query(self) -> dict[str, Any]:
        return {
            **({"cohort": self.cohort} if self.cohort else {}),
            **({"period": self.period} if self.period else {}),
            "accreditor": self.accreditor,
        }


def _report_params(request: Request) -> ReportParams:
    """The report's parameters; both a cohort and a period answer 400 (HTTPException)."""
    cohort, problem = _cohort_param(request)
    period, period_problem = _year_param(
        request,
        "period",
        gettext("Enter a period as its closing year (July 1 – June 30), e.g. 2025."),
    )
    problem = problem or period_problem
    if cohort is not None and period is not None:
        raise HTTPException(400, gettext("Choose a cohort or a period, not both."))
    settings = request.app.state.settings
    accreditor = request.query_params.get("accreditor", "") or settings.accreditor
    if accreditor not in accreditors.PROFILES:
        names = ", ".join(accreditors.PROFILES)
        problem = problem or gettext("The accreditor is one of %(names)s.", names=names)
        accreditor = settings.accreditor
    fmt = request.query_params.get("format", "html")
    if fmt not in ("html", "csv"):
        problem = problem or gettext("The format is html or csv.")
        fmt = "html"
    if problem:
        cohort = period = None
    return ReportParams(cohort, period, accreditor, fmt, problem)


def _exported(request: Request, db: Session, detail: str) -> None:
    audit.record(
        db,
        "report.exported",
        actor=actor(request),
        object_type="report",
        detail=detail,
    )


def _people_link(request: Request, params: ReportParams) -> Callable[[int, str], str]:
    """The drill-down of one figure: a row's cohort (or period) and column, same profile."""

    def link(group: int, column: str) -> str:
        by = "period" if params.period else "cohort"
        query = {by: group, "accreditor": params.accreditor, "column": column}
        return url(request, "staff:outcomes_people", query=query)

    return link


def _period_dates(period: int | None) -> dict[str, Any]:
    """The first and last graduation dates of the period, for the page to say in its dates."""
    if period is None:
        return {}
    start, end = reports.period_bounds(period)
    return {"period_start": start, "period_end": end}


@endpoint("staff")
def outcomes_report(request: Request, db: Session) -> Response:
    params = _report_params(request)
    problem, period, accreditor = params.problem, params.period, params.accreditor
    result = accreditors.outcomes(db, accreditor, cohort=params.cohort, period=period)
    rows = [] if problem else list(result.rows)
    label = params.label
    if params.fmt == "csv" and not problem:
        _exported(request, db, f"outcomes CSV ({accreditor}), {label}")
        return attachment(
            accreditors.render(result, "csv", period=period is not None),
            f"placement-outcomes-{accreditor}-{label.replace(' ', '-')}.csv",
            "text/csv; charset=utf-8",
        )
    query = params.query()
    return render(
        request,
        "staff/outcomes.html",
        {
            "rows": rows,
            "cohort": params.cohort,
            "period": period,
            "cohorts": reports.cohorts(db),
            "problem": problem,
            "profile": result.profile,
            "profiles": accreditors.PROFILES,
            "disallowed": [] if problem else result.disallowed,
            "chart": reports.chart([row for row in rows if isinstance(row, reports.OutcomeRow)]),
            "columns": result.columns,
            "column_labels": accreditors.NACE_COLUMN_LABELS,
            **_period_dates(period),
            "unavailable_reasons": taxonomy.UNAVAILABLE_REASONS,
            "today": dates.today(),
            "people_link": _people_link(request, params),
            "csv_link": url(request, "staff:outcomes_report", query={**query, "format": "csv"}),
            "disallowed_csv": url(
                request,
                "staff:outcomes_people",
                query={**query, "column": "disallowed", "format": "csv"},
            ),
        },
        status_code=422 if problem else 200,
    )


@endpoint("staff")
def outcomes_people(request: Request, db: Session) -> Response:
    """The graduates behind one figure, counted as the report counts them (the same
    accreditor and cohort or period); `format=csv` downloads the whole list."""
    params = _report_params(request)
    column = request.query_params.get("column", "")
    columns = accreditors.people_columns(params.accreditor)
    context: dict[str, Any] = {
        "cohort": params.cohort,
        "period": params.period,
        "column": column,
        "accreditor": params.accreditor,
        "profile": accreditors.PROFILES[params.accreditor],
        "report_link": url(request, "staff:outcomes_report", query=params.query()),
    }
    if params.problem or column not in columns:
        return render(
            request,
            "staff/outcome_people.html",
            {
                **context,
                "problem": params.problem or gettext("Choose a figure of the report."),
                "people": [],
                "title": gettext("Outcome report"),
            },
            status_code=422,
        )
    everyone = accreditors.people(
        db, params.accreditor, column, cohort=params.cohort, period=params.period
    )
    if params.fmt == "csv":
        _exported(
            request, db, f"outcomes people CSV ({params.accreditor}), {column}, {params.label}"
        )
        return attachment(
            accreditors.people_csv(everyone, period=params.period is not None),
            f"placement-outcomes-{params.accreditor}-{column}-{params.label.replace(' ', '-')}.csv",
            "text/csv; charset=utf-8",
        )
    number = page_of(request)
    page = staff_search.Page(
        rows=everyone[(number - 1) * PEOPLE_PER_PAGE : number * PEOPLE_PER_PAGE],
        total=len(everyone),
        page=number,
        per_page=PEOPLE_PER_PAGE,
    )
    return render(
        request,
        "staff/outcome_people.html",
        {
            **context,
            "problem": None,
            "people": page.rows,
            "page": page,
            "page_link": page_link(request),
            "title": columns[column],
            "csv_link": url(
                request,
                "staff:outcomes_people",
                query={**params.query(), "column": column, "format": "csv"},
            ),
            "counted_as": reports.COUNTED_AS,
            "outcome_statuses": taxonomy.OUTCOME_STATUS_LABELS,
            "unavailable_reasons": taxonomy.UNAVAILABLE_REASONS,
            "placement_fields": taxonomy.PLACEMENT_FIELDS,
            "verification_methods": taxonomy.VERIFICATION_METHODS,
        },
    )


routes: list[BaseRoute] = [
    Route("/reports/outcomes", outcomes_report, name="outcomes_report"),
    Route("/reports/outcomes/people", outcomes_people, name="outcomes_people"),
]
