"""The one vocabulary of the network: the codes of CONTRACT.md with their labels.

Forms, matching, seed data and templates all read from here, so a code is spelled once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from placement.i18n import N_, Labels, raw_gettext


@dataclass(frozen=True)
class Term:
    """A code and its English label (the catalogue's message id: show it with `label()`)."""

    code: str
    label: str
    synonyms: tuple[str, ...] = field(default=())


def _index(terms: tuple[Term, ...]) -> dict[str, Term]:
    return {term.code: term for term in terms}


SETTINGS = _index(
    (
        Term("hospital", "Hospital"),
        Term("rehabilitation_center", "Rehabilitation centre", ("rehab", "inpatient rehab")),
        Term("nursing_home", "Nursing home / skilled nursing", ("snf", "skilled nursing")),
        Term("hospice", "Hospice", ("palliative care",)),
        Term("outpatient_clinic", "Outpatient clinic"),
        Term("physical_therapy", "Physical therapy clinic", ("pt", "physiotherapy")),
        Term("chiropractic", "Chiropractic office", ("chiro", "dc office")),
        Term("oncology_center", "Oncology centre", ("cancer center",)),
        Term("sports_medicine", "Sports medicine", ("athletic training",)),
        Term("integrative_clinic", "Integrative medicine clinic", ("integrative health",)),
    )
)

EMPLOYMENT_TYPES = _index(
    (
        Term("full_time", "Full time", ("ft",)),
        Term("part_time", "Part time", ("pt",)),
        Term("per_diem", "Per diem", ("prn",)),
        Term("contract", "Contract"),
    )
)

MODALITIES = _index(
    (
        Term("swedish", "Swedish massage"),
        Term("deep_tissue", "Deep tissue"),
        Term(
            "medical_massage", "Medical massage", ("clinical massage", "orthopedic massage therapy")
        ),
        Term("manual_lymphatic_drainage", "Manual lymphatic drainage", ("mld", "lymphatic")),
        Term("myofascial_release", "Myofascial release", ("mfr",)),
        Term("trigger_point", "Trigger point therapy", ("tpt", "trigger point")),
        Term("neuromuscular", "Neuromuscular therapy", ("nmt",)),
        Term("craniosacral", "Craniosacral therapy", ("cst",)),
        Term("sports", "Sports massage"),
        Term("orthopedic", "Orthopedic massage", ("omt",)),
        Term("prenatal", "Prenatal massage", ("pregnancy massage",)),
        Term("oncology", "Oncology massage"),
        Term("geriatric", "Geriatric massage", ("elder massage",)),
        Term("hospice_comfort", "Hospice comfort care", ("comfort touch", "palliative massage")),
        Term("reflexology", "Reflexology"),
        Term("acupressure", "Acupressure"),
        Term("stretching_pnf", "Assisted stretching / PNF", ("pnf",)),
        Term("muscle_energy", "Muscle energy technique", ("met",)),
        Term("positional_release", "Positional release", ("strain-counterstrain",)),
        Term("scar_tissue", "Scar tissue work"),
        Term("post_surgical", "Post-surgical massage", ("post-op",)),
        Term("chair", "Chair massage", ("seated massage",)),
        Term("hot_stone", "Hot stone"),
        Term("cupping", "Cupping"),
        Term("shiatsu", "Shiatsu"),
        Term("thai", "Thai massage"),
    )
)

CREDENTIALS = _index(
    (
        Term("state_license", "State massage licence", ("lmt", "lmp", "license")),
        Term("camtc", "CAMTC certification (California)", ("cmt", "camtc")),
        Term("ncbtmb_board_certified", "NCBTMB board certification", ("bctmb", "ncbtmb")),
        Term("mblex", "MBLEx passed", ("mblex",)),
        Term("bls_cpr", "BLS/CPR", ("bls", "cpr")),
        Term("first_aid", "First aid"),
        Term("liability_insurance", "Liability insurance"),
        Term("background_check", "Background check"),
        Term("tb_test", "TB test"),
        Term("immunizations", "Immunizations"),
        Term("hipaa_training", "HIPAA training", ("hipaa",)),
        Term("clt_lymphedema", "Certified lymphedema therapist (CLT)", ("clt",)),
        Term("oncology_massage_cert", "Oncology massage certificate"),
        Term("hospital_based_massage_cert", "Hospital-based massage certificate"),
    )
)

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_LABELS = Labels(
    dict(
        zip(
            DAYS,
            (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun")),
            strict=True,
        )
    )
)
PARTS = ("am", "pm", "eve")
PART_LABELS = Labels({"am": N_("Morning"), "pm": N_("Afternoon"), "eve": N_("Evening")})
SLOTS: tuple[str, ...] = tuple(f"{day}-{part}" for day in DAYS for part in PARTS)

APPLICATION_STAGES = (
    "submitted",
    "screening",
    "interview",
    "offer",
    "hired",
    "rejected",
    "withdrawn",
)
STAGE_LABELS = Labels(
    {
        "submitted": N_("Submitted"),
        "screening": N_("Screening"),
        "interview": N_("Interview"),
        "offer": N_("Offer"),
        "hired": N_("Hired"),
        "rejected": N_("Not selected"),
        "withdrawn": N_("Withdrawn"),
    }
)
POSITION_STATUSES = ("draft", "pending_review", "open", "filled", "closed", "expired", "rejected")
EMPLOYER_STATUSES = ("pending", "approved", "rejected", "suspended")
REJECTION_REASONS = Labels(
    {
        "qualifications": N_("Qualifications do not match"),
        "schedule": N_("Schedule does not fit"),
        "location": N_("Location does not fit"),
        "position_filled": N_("The position has been filled"),
        "other": N_("Other reason"),
    }
)
VISIBILITIES = Labels(
    {
        "private": N_("Only me"),
        "staff": N_("Career services staff"),
        "employers": N_("Career services and employers"),
    }
)
SEEKING_STATUSES = Labels(
    {
        "seeking": N_("Looking for work"),
        "placed": N_("Placed"),
        "not_seeking": N_("Not looking"),
    }
)
OUTCOME_STATUSES = ("seeking", "placed", "unavailable", "unknown")
UNAVAILABLE_REASONS = Labels(
    {
        "continuing_education": N_("Continuing education"),
        "military": N_("Military service"),
        "health": N_("Health"),
        "deceased": N_("Deceased"),
        "incarcerated": N_("Incarcerated"),
        "relocated_abroad": N_("Relocated abroad"),
        "not_authorized_to_work": N_("Not authorised to work in the US"),
    }
)
PLACEMENT_FIELDS = Labels(
    {
        "in_field": N_("In field"),
        "related_field": N_("Related field"),
        "out_of_field": N_("Out of field"),
    }
)
VERIFICATION_METHODS = Labels(
    {
        "employer_confirmed": N_("Confirmed by employer"),
        "graduate_attested": N_("Attested by graduate"),
        "pay_stub": N_("Pay stub"),
        "other": N_("Other"),
    }
)
ROLES = ("graduate", "employer", "staff", "admin")


def label(vocabulary: dict[str, Term], code: str) -> str:
    """The label for a code, or the code itself when it is unknown (old data stays readable)."""
    term = vocabulary.get(code)
    return raw_gettext(term.label) if term else code


def slot_label(slot: str) -> str:
    day, _, part = slot.partition("-")
    return f"{DAY_LABELS.get(day, day)} {PART_LABELS.get(part, part).lower()}"


# --- synonyms and equivalences (used by matching; appended, nothing above changed) ------

# Credentials that are only good in the state that issued them.
STATE_BOUND_CREDENTIALS = frozenset({"state_license"})

# In these states a certification stands in for the state licence: California has no
# state massage licence; CAMTC certification is what employers and cities ask for.
STATE_LICENSE_EQUIVALENTS: dict[str, frozenset[str]] = {"CA": frozenset({"camtc"})}


def credential_satisfies(
    required_code: str,
    held_code: str,
    held_state: str | None,
    position_state: str | None,
) -> bool:
    """Whether a held credential counts for a required one at a position in a given state.

    A `state_license` counts only when issued by the position's state (a position whose
    state is unknown can be satisfied by none); in California `camtc` counts as the
    state licence. Every other credential satisfies only itself, wherever it was issued.
    """
    if required_code not in STATE_BOUND_CREDENTIALS:
        return held_code == required_code
    where = position_state.upper() if position_state else None
    if where is None:
        return False
    if held_code == required_code:
        return held_state is not None and held_state.strip().upper() == where
    return held_code in STATE_LICENSE_EQUIVALENTS.get(where, frozenset())


def lookup_code(vocabulary: dict[str, Term], text: str) -> str | None:
    """The code a person meant: a code, a label or a synonym, any case ("MLD", "BLS")."""
    wanted = " ".join(text.strip().lower().replace("_", " ").split())
    if not wanted:
        return None
    for term in vocabulary.values():
        names = (term.code.replace("_", " "), term.label.lower(), *term.synonyms)
        if wanted in (" ".join(name.lower().split()) for name in names):
            return term.code
    return None


# --- credential verification (appended) --------------------------------------------------

# How career services checked a credential (POST /staff/credentials/{id}/verify `method`).
CREDENTIAL_VERIFICATION_METHODS = Labels(
    {
        "document_reviewed": N_("Document reviewed"),
        "primary_source": N_("Checked with the issuing body"),
        "employer_confirmed": N_("Confirmed by an employer"),
        "other": N_("Other"),
    }
)


@dataclass(frozen=True)
class Lookup:
    """An issuing body's public look-up page, where staff check a credential at the source."""

    body: str
    url: str


# Massage licences by the state board that issued them; states not listed are looked up in
# FSMTB's licensing database, which gathers the member boards' licences.
FSMTB_LOOKUP = Lookup("FSMTB licensing database", "https://www.fsmtb.org/mtld/")
STATE_BOARD_LOOKUPS: dict[str, Lookup] = {
    "FL": Lookup(
        "Florida Board of Massage Therapy",
        "https://mqa-internet.doh.state.fl.us/MQASearchServices/HealthCareProviders",
    ),
    "NY": Lookup(
        "New York Office of the Professions", "https://www.op.nysed.gov/verification-search"
    ),
    "TX": Lookup(
        "Texas Department of Licensing and Regulation", "https://www.tdlr.texas.gov/LicenseSearch/"
    ),
    "WA": Lookup(
        "Washington State Department of Health",
        "https://fortress.wa.gov/doh/providercredentialsearch/",
    ),
}
CREDENTIAL_LOOKUPS: dict[str, Lookup] = {
    "camtc": Lookup("California Massage Therapy Council (CAMTC)", "https://www.camtc.org/"),
    "ncbtmb_board_certified": Lookup("NCBTMB", "https://www.ncbtmb.org/"),
    "mblex": FSMTB_LOOKUP,
    "bls_cpr": Lookup("American Heart Association eCards", "https://heart.org/cpr/mycards"),
    "clt_lymphedema": Lookup(
        "Lymphology Association of North America", "https://www.clt-lana.org/"
    ),
    "oncology_massage_cert": Lookup("Society for Oncology Massage", "https://www.s4om.org/"),
}


def credential_lookup(code: str, state: str | None = None) -> Lookup | None:
    """Where staff verify a credential at its source; None when no public look-up exists
    (insurance, background checks, TB tests, …: the scan is the evidence)."""
    if code in STATE_BOUND_CREDENTIALS:
        return STATE_BOARD_LOOKUPS.get((state or "").upper(), FSMTB_LOOKUP)
    return CREDENTIAL_LOOKUPS.get(code)


# --- statuses as people read them (issue 18; the codes are the models' StrEnums) ------------
# Spanish gives each status the gender of its noun (un puesto abierto, una organización
# aprobada), so a word shared by two tables gets a distinct English label where it must.

POSITION_STATUS_LABELS = Labels(
    {
        "draft": N_("Draft"),
        "pending_review": N_("Pending review"),
        "open": N_("Open"),
        "filled": N_("Filled"),
        "closed": N_("Closed"),
        "expired": N_("Expired"),
        "rejected": N_("Not approved"),
    }
)
EMPLOYER_STATUS_LABELS = Labels(
    {
        "pending": N_("Awaiting approval"),
        "approved": N_("Approved"),
        "rejected": N_("Rejected"),
        "suspended": N_("Suspended"),
    }
)
REFERRAL_STATUS_LABELS = Labels(
    {"pending": N_("Pending"), "accepted": N_("Accepted"), "declined": N_("Declined")}
)
ROUND_STATUS_LABELS = Labels({"preview": N_("Preview"), "published": N_("Published")})
OUTCOME_STATUS_LABELS = Labels(
    {
        "seeking": N_("Seeking"),
        "placed": N_("Placed"),
        "unavailable": N_("Unavailable"),
        "unknown": N_("Unknown"),
    }
)
ROLE_LABELS = Labels(
    {
        "graduate": N_("Graduate"),
        "employer": N_("Employer"),
        "staff": N_("Career services staff"),
        "admin": N_("Administrator"),
    }
)

# The factors of a match explanation (placement.matching: the hard rules and the scored
# factors), as a heading in the reader's language.
FACTOR_LABELS = Labels(
    {
        "seeking": N_("Looking for work"),
        "verified": N_("Verified by career services"),
        "required_credential": N_("Required credential"),
        "required_modality": N_("Required modality"),
        "training_hours": N_("Training hours"),
        "travel_radius": N_("Travel distance"),
        "employment_type": N_("Employment type"),
        "availability": N_("Availability"),
        "preferred_modalities": N_("Preferred modalities"),
        "proficiency": N_("Proficiency"),
        "preferred_credentials": N_("Preferred credentials"),
        "clinical_hours": N_("Clinical hours"),
        "schedule": N_("Schedule"),
        "distance": N_("Distance"),
        "setting": N_("Setting"),
        "pay": N_("Pay"),
    }
)
