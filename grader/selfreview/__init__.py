"""SELF_REVIEW.md: tolerant parsing and fidelity against facts (rubric v2)."""

from __future__ import annotations

from pathlib import Path

from static_checks.models import Fact

from grader.rubric.schema import Rubric
from grader.scoring.factset import FactSet
from grader.selfreview.fidelity import Claim, Fidelity, assess, fidelity_facts
from grader.selfreview.parser import SelfReview, parse_self_review_text, read_self_review

__all__ = ["Claim", "Fidelity", "SelfReview", "assess", "fidelity_facts", "parse_self_review_text",
           "read_self_review", "review_facts"]


def review_facts(repo: Path, rubric: Rubric, facts: FactSet) -> tuple[Fidelity | None, list[Fact]]:
    """selfreview.* facts for rubrics that declare goals; none for rubrics that do not."""
    if not rubric.goals:
        return None, []
    fid = assess(read_self_review(repo), rubric.goals, facts, repo)
    return fid, fidelity_facts(fid, static_known="static" not in facts.missing_stages)
