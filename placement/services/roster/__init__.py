"""The school's roster: import the CSV, verify graduates and their credentials.

The roster is the school's record of who graduated. An imported graduate is verified at once
and gets an e-mail link to claim an account; importing the same file again changes nothing
(student_id is the key: an existing roster record is updated in place, never duplicated). A
self-registered account only claims an id: a row never verifies, renames or merges into an
account with another e-mail (see services/identity.py).

By concern: `parsing` (the CSV and its checks), `importing` (the import, invitations and the
import's record), `verification` (staff verify a graduate). Callers import from
`placement.services.roster`; the names below are its interface.
"""

from placement.services.roster.importing import (
    INVITE_TTL,
    MAX_LOGGED_ERRORS,
    ImportResult,
    import_roster,
    past_import,
)
from placement.services.roster.parsing import (
    COLUMNS,
    MAX_HOURS,
    MAX_LENGTHS,
    MAX_ROWS,
    OPTIONAL_COLUMNS,
    RosterRow,
    RowError,
    parse,
)
from placement.services.roster.verification import verify_graduate

__all__ = [
    "COLUMNS",
    "INVITE_TTL",
    "MAX_HOURS",
    "MAX_LENGTHS",
    "MAX_LOGGED_ERRORS",
    "MAX_ROWS",
    "OPTIONAL_COLUMNS",
    "ImportResult",
    "RosterRow",
    "RowError",
    "import_roster",
    "parse",
    "past_import",
    "verify_graduate",
]
