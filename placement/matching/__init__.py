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
from placement.matching.scoring import WEIGHTS, score

__all__ = [
    "WEIGHTS",
    "CredentialRecord",
    "GraduateRecord",
    "MatchIndex",
    "MatchResult",
    "PairScores",
    "PositionRecord",
    "Reason",
    "score",
]
