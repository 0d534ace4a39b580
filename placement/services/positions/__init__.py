"""Positions: the employer's structured openings, their review states and the public search.

By concern:
- `rules`: what an employer may set on a position (`PositionInput`) and the form's checks;
- `lifecycle`: create and edit, submit, close, expire, fill: the position status machine
  (the staff review's transitions included);
- `search`: the public search engine and its filters;
- `read_models`: what pages show (the employer's list, the public page, the review queue's
  changes, the search's cards).

Callers import from `placement.services.positions`; the names below are its interface.
"""

from placement.services.positions.lifecycle import (
    CLOSABLE_STATUSES,
    EDITABLE_STATUSES,
    EXPIRING_STATUSES,
    REVIEW_ACTIONS,
    REVIEWED_FIELDS,
    close_position,
    effective_status,
    expire_positions,
    hires_for,
    mark_filled_if_full,
    position_for_employer,
    save_position,
)
from placement.services.positions.read_models import (
    ACTIVE_STAGES,
    EmployerPositionRow,
    PositionCard,
    PublicPosition,
    ReviewChange,
    employer_positions,
    ordered_slots,
    pay_range,
    public_position,
    requirements_of,
    review_changes,
    stage_counts,
)
from placement.services.positions.rules import (
    MAX_OPENINGS,
    MAX_PAY,
    MAX_TRAINING_HOURS,
    PositionInput,
    input_problems,
)
from placement.services.positions.search import (
    COUNT_CAP,
    DEFAULT_RADIUS_MILES,
    FILTER_NAMES,
    MAX_RADIUS_MILES,
    PAGE_SIZE,
    SearchFilters,
    SearchPage,
    SearchReader,
    read_search_filters,
    search_positions,
)

__all__ = [
    "ACTIVE_STAGES",
    "CLOSABLE_STATUSES",
    "COUNT_CAP",
    "DEFAULT_RADIUS_MILES",
    "EDITABLE_STATUSES",
    "EXPIRING_STATUSES",
    "FILTER_NAMES",
    "MAX_OPENINGS",
    "MAX_PAY",
    "MAX_RADIUS_MILES",
    "MAX_TRAINING_HOURS",
    "PAGE_SIZE",
    "REVIEWED_FIELDS",
    "REVIEW_ACTIONS",
    "EmployerPositionRow",
    "PositionCard",
    "PositionInput",
    "PublicPosition",
    "ReviewChange",
    "SearchFilters",
    "SearchPage",
    "SearchReader",
    "close_position",
    "effective_status",
    "employer_positions",
    "expire_positions",
    "hires_for",
    "input_problems",
    "mark_filled_if_full",
    "ordered_slots",
    "pay_range",
    "position_for_employer",
    "public_position",
    "read_search_filters",
    "requirements_of",
    "review_changes",
    "save_position",
    "search_positions",
    "stage_counts",
]
