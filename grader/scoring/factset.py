"""Moved to grader.core.facts; kept so existing imports keep working."""

from grader.core.facts import STAGE_PREFIXES, FactSet, stage_of

__all__ = ["STAGE_PREFIXES", "FactSet", "stage_of"]
