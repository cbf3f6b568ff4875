"""Honesty of earned and pending points, checked over many resolutions of what is unknown.

For a fact set with unknown facts and undecided judge criteria, every way those could resolve
must land between the earned score and earned + pending: a report never claims points that a
resolution could take away, nor calls lost what a resolution could still give.
"""

from __future__ import annotations

import itertools
import random

import pytest

from grader.scoring import FactSet, check_scorecard, score

from scoring_helpers import SAMPLE_DEDUCTIONS, fact, rubric

BODY = SAMPLE_DEDUCTIONS + """\
judge_criteria:
  - {id: j2, dimension: d, points: 2, question: "Good?"}
  - {id: j3, dimension: d, points: 3, question: "Safe?"}
"""
BOOLS = ("x.a", "x.b", "x.c", "x.f")
DIMS = ("  - {id: d, title: D, max: 10}\n", "  - {id: d, title: D, max: 10, floor: 3}\n")


def _facts(values: dict, judged: dict) -> FactSet:
    return FactSet([fact(k, v) for k, v in values.items()] + [fact(f"judge.{k}", v) for k, v in judged.items()])


@pytest.mark.parametrize("dims", DIMS)
@pytest.mark.parametrize("seed", range(40))
def test_every_resolution_lands_between_earned_and_earned_plus_pending(seed, dims):
    rng = random.Random(seed)
    r = rubric(BODY, dims)
    known = {k: rng.choice([True, False]) for k in BOOLS}
    known["x.n"] = rng.randint(0, 4)
    unknown = rng.sample(sorted(known), rng.randint(0, 3))
    partial = {k: (None if k in unknown else v) for k, v in known.items()}
    card = score(r, _facts(partial, {}))
    assert check_scorecard(card, r) == []
    d = card.dimensions[0]
    low, high = d.score, d.score + d.pending_points
    outcomes = []
    choices = [[True, False] if k != "x.n" else [0, 1, 4] for k in unknown]
    for resolved in itertools.product(*choices):
        values = {**known, **dict(zip(unknown, resolved))}
        for j2, j3 in itertools.product((0, 1, 2), (0, 3)):
            final = score(r, _facts(values, {"j2": j2, "j3": j3}))
            assert check_scorecard(final, r) == []
            fd = final.dimensions[0]
            assert fd.pending_points == 0
            assert low - 1e-9 <= fd.score <= high + 1e-9, (values, j2, j3, fd.score, low, high)
            outcomes.append(fd.score)
    # The bounds are tight: some resolution reaches each end.
    assert min(outcomes) == pytest.approx(low) and max(outcomes) == pytest.approx(high)
