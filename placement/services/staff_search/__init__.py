"""What staff read: work-queue counts, searches and lists, each page in one query.

List queries select only the columns a page shows and count the total in the same statement
(`count(*) OVER ()`), so a page costs one round trip however many rows it shows.

By concern: `common` (the page and paginator), `queues` (counts, the review queues),
`graduates` (search, record, credentials queue), `referrals` (and placements), `audit` (the
log). Callers import from `placement.services.staff_search`; the names below are its interface.
"""

from placement.services.staff_search.audit import (
    AUDIT_EXPORT_LIMIT,
    AuditFilters,
    audit_actions,
    audit_export,
    audit_object_types,
    audit_rows,
)
from placement.services.staff_search.common import (
    EXPIRY_WINDOW_DAYS,
    PER_PAGE,
    Page,
    paginate,
)
from placement.services.staff_search.graduates import (
    GraduateFilters,
    GraduateRecord,
    credentials_queue,
    graduate_record,
    search_graduates,
)
from placement.services.staff_search.queues import (
    CHANGES,
    HELD_CHANGES,
    QueueCounts,
    employers_by_status,
    positions_by_status,
    queue_counts,
)
from placement.services.staff_search.referrals import (
    placement_rows,
    referral_row,
    referral_rows,
)

__all__ = [
    "AUDIT_EXPORT_LIMIT",
    "CHANGES",
    "EXPIRY_WINDOW_DAYS",
    "HELD_CHANGES",
    "PER_PAGE",
    "AuditFilters",
    "GraduateFilters",
    "GraduateRecord",
    "Page",
    "QueueCounts",
    "audit_actions",
    "audit_export",
    "audit_object_types",
    "audit_rows",
    "credentials_queue",
    "employers_by_status",
    "graduate_record",
    "paginate",
    "placement_rows",
    "positions_by_status",
    "queue_counts",
    "referral_row",
    "referral_rows",
    "search_graduates",
]
