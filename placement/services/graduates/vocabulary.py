"""The words and limits of a graduate's record: proficiency levels, the modality groups of the
profile form, the US states and territories, the credential limits."""

from __future__ import annotations

from placement.i18n import N_, Labels

# Shown through gettext where the profile form lists the levels.
PROFICIENCY_LABELS = {0: N_("None"), 1: N_("Basic"), 2: N_("Proficient"), 3: N_("Advanced")}
EXPIRY_WARNING_DAYS = 60
MAX_CREDENTIALS = 50

# The modalities of the taxonomy in the groups the profile form shows them in.
MODALITY_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        N_("Clinical and medical"),
        (
            "medical_massage",
            "manual_lymphatic_drainage",
            "myofascial_release",
            "trigger_point",
            "neuromuscular",
            "craniosacral",
            "orthopedic",
            "positional_release",
            "muscle_energy",
            "scar_tissue",
            "post_surgical",
        ),
    ),
    (N_("Special populations"), ("prenatal", "oncology", "geriatric", "hospice_comfort")),
    (N_("Sports and movement"), ("sports", "stretching_pnf")),
    (
        N_("Foundations and other techniques"),
        (
            "swedish",
            "deep_tissue",
            "reflexology",
            "acupressure",
            "shiatsu",
            "thai",
            "chair",
            "hot_stone",
            "cupping",
        ),
    ),
)

# Names in the reader's language; the codes are what is stored and posted.
US_STATES = Labels(
    {
        "AL": N_("Alabama"),
        "AK": N_("Alaska"),
        "AZ": N_("Arizona"),
        "AR": N_("Arkansas"),
        "CA": N_("California"),
        "CO": N_("Colorado"),
        "CT": N_("Connecticut"),
        "DE": N_("Delaware"),
        "DC": N_("District of Columbia"),
        "FL": N_("Florida"),
        "GA": N_("Georgia"),
        "HI": N_("Hawaii"),
        "ID": N_("Idaho"),
        "IL": N_("Illinois"),
        "IN": N_("Indiana"),
        "IA": N_("Iowa"),
        "KS": N_("Kansas"),
        "KY": N_("Kentucky"),
        "LA": N_("Louisiana"),
        "ME": N_("Maine"),
        "MD": N_("Maryland"),
        "MA": N_("Massachusetts"),
        "MI": N_("Michigan"),
        "MN": N_("Minnesota"),
        "MS": N_("Mississippi"),
        "MO": N_("Missouri"),
        "MT": N_("Montana"),
        "NE": N_("Nebraska"),
        "NV": N_("Nevada"),
        "NH": N_("New Hampshire"),
        "NJ": N_("New Jersey"),
        "NM": N_("New Mexico"),
        "NY": N_("New York"),
        "NC": N_("North Carolina"),
        "ND": N_("North Dakota"),
        "OH": N_("Ohio"),
        "OK": N_("Oklahoma"),
        "OR": N_("Oregon"),
        "PA": N_("Pennsylvania"),
        "RI": N_("Rhode Island"),
        "SC": N_("South Carolina"),
        "SD": N_("South Dakota"),
        "TN": N_("Tennessee"),
        "TX": N_("Texas"),
        "UT": N_("Utah"),
        "VT": N_("Vermont"),
        "VA": N_("Virginia"),
        "WA": N_("Washington"),
        "WV": N_("West Virginia"),
        "WI": N_("Wisconsin"),
        "WY": N_("Wyoming"),
        "AS": N_("American Samoa"),
        "GU": N_("Guam"),
        "MP": N_("Northern Mariana Islands"),
        "PR": N_("Puerto Rico"),
        "VI": N_("U.S. Virgin Islands"),
    }
)
