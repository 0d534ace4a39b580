"""Matching: explainable scores, fast two-way ranking and placement rounds.

Pure code over plain records (records.py); nothing here touches the database or the web.
"""

from placement.matching.index import MatchIndex, PairScores
from placement.matching.records import (
    CredentialRecord,
    GraduateRecord,
    MatchResult,
    PositionRecord,
    Reason,
)
from placement.matching.rounds import (
    Assignment,
    RoundPlan,
    Unmatched,
    optimal_match,
    plan_round,
    stable_match,
)
from placement.matching.scoring import WEIGHTS, score

__all__ = [
    "WEIGHTS",
    "Assignment",
    "CredentialRecord",
    "GraduateRecord",
    "MatchIndex",
    "MatchResult",
    "PairScores",
    "PositionRecord",
    "Reason",
    "RoundPlan",
    "Unmatched",
    "optimal_match",
    "plan_round",
    "score",
    "stable_match",
]
