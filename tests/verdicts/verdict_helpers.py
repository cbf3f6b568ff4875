"""Helpers for the verdict tests: the rubric's score of a fact set, static stages only."""

from __future__ import annotations


def scorecard(facts: dict, rubric_name: str):
    from grader.rubric import load_rubric
    from grader.scoring import FactSet, score

    return score(load_rubric(rubric_name), FactSet(facts.values(), missing_stages=("runtime", "selfreview", "judge")))
