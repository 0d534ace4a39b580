"""Matching over the database: records loaded in bulk, one index per process, kept fresh.

The pure matching core (placement.matching) knows nothing of sessions; this module feeds it.

The index: built lazily on the first ranking from every graduate that is not deleted and
every position whose status is `open`, one cache per engine (that is, per database URL and
process; a test's fresh app gets a fresh index). Before each ranking it replays the `change`
rows committed since it last looked (services.changes): one indexed range query, then the
changed graduates and positions are reloaded in bulk and upserted, or removed when a
graduate was deleted or a position left `open`. Every web worker does the same, so the next
ranking in any worker shows a change. Graduates with visibility `private` stay in the index
(their own recommendations need them) and are filtered out by audience at query time.

Ids of changes committed out of order (a PostgreSQL transaction that took id 10 commits
after the one that took 11) are remembered as gaps for a while and asked for again.

The refresh reads through its own short, read-only session so that it only ever applies
committed changes; index reads and writes are serialised by a per-index lock (Starlette
runs sync views in a thread pool).

By concern:
- `loading`: records (and the index's columns) loaded in bulk;
- `index`: the per-process index and its refresh from the change log;
- `lookups`: which positions and graduates (public positions, NotFound loaders, names);
- `results`: a ranking's rows and what an employer sees of them (school records in bands);
- `rankings`: the rankings and explanations;
- `staff_page`: the staff matches page.

Callers import from `placement.services.matching`; the names below are its interface.
"""

from placement.services.matching.index import fresh_index
from placement.services.matching.loading import (
    load_graduate_columns,
    load_graduates,
    load_positions,
)
from placement.services.matching.lookups import (
    MAX_ID,
    graduate_for_matching,
    graduate_names,
    position_for_matching,
    position_titles,
    public_position_ids,
    valid_id,
)
from placement.services.matching.rankings import (
    NEAR_MISS_MAX_FAILURES,
    OPENINGS_SHOWN,
    explain,
    explain_many,
    how_you_match,
    near_misses,
    rank_graduates,
    rank_positions,
    what_would_open_more,
)
from placement.services.matching.results import (
    CLINICAL_POINT_BAND,
    Audience,
    Ranked,
    clinical_band,
    employer_reasons,
    for_employer,
    reasons_json,
)
from placement.services.matching.staff_page import (
    PAGE_SIZE,
    MatchesPage,
    matches_page,
)

__all__ = [
    "Audience",
    "CLINICAL_POINT_BAND",
    "MAX_ID",
    "MatchesPage",
    "NEAR_MISS_MAX_FAILURES",
    "OPENINGS_SHOWN",
    "PAGE_SIZE",
    "Ranked",
    "clinical_band",
    "employer_reasons",
    "explain",
    "explain_many",
    "for_employer",
    "fresh_index",
    "graduate_for_matching",
    "graduate_names",
    "how_you_match",
    "load_graduate_columns",
    "load_graduates",
    "load_positions",
    "matches_page",
    "near_misses",
    "position_for_matching",
    "position_titles",
    "public_position_ids",
    "rank_graduates",
    "rank_positions",
    "reasons_json",
    "valid_id",
    "what_would_open_more",
]
