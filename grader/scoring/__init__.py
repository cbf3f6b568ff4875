"""Deterministic scoring: facts + rubric -> scorecard with pending points, and its self-check."""

from grader.scoring.check import check_scorecard
from grader.scoring.engine import score
from grader.scoring.factset import FactSet, stage_of
from grader.scoring.models import AppliedItem, DimensionScore, EvidenceRef, PendingItem, Scorecard

__all__ = ["check_scorecard", "score", "FactSet", "stage_of", "AppliedItem", "DimensionScore",
           "EvidenceRef", "PendingItem", "Scorecard"]
