"""Scoring arithmetic: deductions, per-count points, caps, floors, bonuses, pending, tiers, self-check."""

from __future__ import annotations

from grader.scoring import FactSet, check_scorecard, score

from scoring_helpers import SAMPLE_DEDUCTIONS, fact, rubric

BODY = SAMPLE_DEDUCTIONS + """\
bonuses:
  - {id: b2, dimension: d, points: 2, reason: bonus, when: {fact: x.bonus, equals: true}}
"""
ALL_FALSE = {"x.a": False, "x.b": False, "x.n": 0, "x.c": False, "x.f": False, "x.bonus": False}


def run(values: dict, body: str = BODY, missing=(), dims=None):
    r = rubric(body, dims) if dims else rubric(body)
    facts = FactSet([fact(k, v, f"{k}.rb", 7) for k, v in values.items()], missing_stages=missing)
    card = score(r, facts)
    assert check_scorecard(card, r) == []
    return card, card.dimensions[0]


def test_nothing_applies_full_marks_and_final_tier():
    card, d = run(ALL_FALSE)
    assert (d.score, d.pending_points, d.lost_points) == (10, 0, 0)
    assert card.tier == "A" and not card.tier_provisional and card.tier_best_case == "A"


def test_point_deductions_with_evidence_and_clipping_at_zero():
    _, d = run({**ALL_FALSE, "x.a": True, "x.b": True, "x.n": 9})
    assert [(x.id, x.points) for x in d.deductions] == [("p3", 3), ("p4", 4), ("per1", 3)]
    assert d.score == 0
    assert d.deductions[0].evidence[0].file == "x.a.rb" and d.deductions[0].evidence[0].line == 7
    assert d.deductions[0].facts == {"x.a": True}


def test_per_count_points_and_clip_to_zero():
    _, d = run({**ALL_FALSE, "x.a": True, "x.b": True, "x.n": 2, "x.c": True})
    assert d.score == 1 and [x.points for x in d.deductions] == [3, 4, 2, 0]  # cap moved nothing at 1 point


def test_cap_moves_the_difference():
    _, d = run({**ALL_FALSE, "x.c": True, "x.a": True})
    assert d.score == 6 and [(x.id, x.points) for x in d.deductions] == [("p3", 3), ("cap6", 1)]


def test_floor_stops_point_deductions_but_not_caps():
    _, d = run({**ALL_FALSE, "x.f": True, "x.a": True, "x.b": True})
    assert d.score == 5
    # The larger deduction is applied first, so the floor shortens the smaller one.
    assert [(x.id, x.points) for x in d.deductions] == [("p3", 1), ("p4", 4), ("fl5", 0)]
    body = BODY.replace("cap: 6", "cap: 2")
    _, d = run({**ALL_FALSE, "x.f": True, "x.c": True}, body)
    assert d.score == 2


def test_bonus_is_clipped_to_max():
    _, d = run({**ALL_FALSE, "x.bonus": True})
    assert d.score == 10 and d.bonuses[0].points == 0
    _, d = run({**ALL_FALSE, "x.bonus": True, "x.a": True})
    assert d.score == 9 and d.bonuses[0].points == 2


def test_unknown_fact_keeps_points_pending_never_passes():
    values = {**ALL_FALSE, "x.b": None}
    card, d = run(values)
    assert (d.score, d.pending_points, d.lost_points) == (6, 4, 0)
    assert [(p.id, p.source, p.points, p.unknown_facts) for p in d.pending] == [("p4", "unknown_facts", 4, ["x.b"])]
    assert card.tier == "B" and card.tier_provisional and card.tier_best_case == "A"


def test_unreported_fact_is_unknown_too():
    values = dict(ALL_FALSE)
    del values["x.c"]
    _, d = run(values)
    assert (d.score, d.pending_points) == (6, 4)  # cap 6 might apply


def test_missing_stage_makes_runtime_rules_pending():
    body = ("deductions:\n"
            "  - {id: boot, dimension: d, points: 5, reason: no boot, when: {fact: runtime.boot.ok, equals: false}}\n")
    _, d = run({"runtime.boot.ok": False}, body, missing={"runtime"})
    assert (d.score, d.pending_points, d.lost_points) == (5, 5, 0)
    _, d = run({"runtime.boot.ok": False}, body)
    assert (d.score, d.pending_points, d.lost_points) == (5, 0, 5)


def test_judge_points_pending_and_applies_when():
    body = BODY + """\
judge_criteria:
  - {id: j3, dimension: d, points: 3, question: "Is it good?"}
  - {id: j2, dimension: d, points: 2, question: Only sometimes, applies_when: {fact: x.a, equals: true}}
"""
    _, d = run(ALL_FALSE, body)
    assert (d.score, d.pending_points) == (7, 3) and [p.id for p in d.pending] == ["j3"]
    _, d = run({**ALL_FALSE, "x.a": True}, body)
    assert (d.score, d.pending_points, d.lost_points) == (2, 5, 3)


def test_unknown_bonus_counts_in_best_case_only():
    _, d = run({**ALL_FALSE, "x.a": True, "x.bonus": None})
    assert (d.score, d.pending_points, d.lost_points) == (7, 2, 1)
    assert d.pending[0].best_case_gain == 2


def test_tiers_on_earned_points_across_dimensions():
    dims = "  - {id: d, title: D, max: 10}\n  - {id: e, title: E, max: 5}\n"
    body = "deductions:\n  - {id: e1, dimension: e, points: 5, reason: r, when: {fact: x.e, equals: true}}\n"
    r = rubric(body, dims, tiers="  - {name: A, min: 12}\n  - {name: B, min: 0}\n")
    card = score(r, FactSet([fact("x.e", True)]))
    assert (card.total, card.max_total, card.tier, card.tier_provisional) == (10, 15, "B", False)
    assert check_scorecard(card, r) == []


def test_arithmetic_self_check_catches_corrupted_reports():
    r = rubric(BODY)
    card = score(r, FactSet([fact(k, v) for k, v in {**ALL_FALSE, "x.a": True}.items()]))
    assert check_scorecard(card, r) == []

    bad = card.model_copy(deep=True)
    bad.dimensions[0].score = 9  # inflate a dimension
    problems = check_scorecard(bad, r)
    assert any("score 9" in p and "!= max" in p for p in problems)
    assert any(p.startswith("total 7") for p in problems)

    bad = card.model_copy(deep=True)
    bad.total, bad.tier = 9, "A"
    assert any("total 9" in p for p in check_scorecard(bad, r))

    bad = card.model_copy(deep=True)
    bad.tier = "A"
    assert any("tier 'A'" in p for p in check_scorecard(bad, r))

    bad = card.model_copy(deep=True)
    bad.dimensions[0].deductions[0].points = 1  # under-report a deduction
    bad.dimensions[0].lost_points, bad.dimensions[0].score = 1, 9
    bad.total, bad.tier = 9, "A"
    assert any("takes 1 of its 3" in p for p in check_scorecard(bad, r))

    bad = card.model_copy(deep=True)
    bad.dimensions[0].deductions[0].id = "made_up"
    assert any("not in the rubric" in p for p in check_scorecard(bad, r))

    bad = card.model_copy(deep=True)
    bad.tier_provisional = True
    assert any("tier_provisional" in p for p in check_scorecard(bad, r))


def test_judge_verdict_facts_decide_their_criteria():
    body = BODY + """\
judge_criteria:
  - {id: j3, dimension: d, points: 3, question: "Is it good?"}
  - {id: j2, dimension: d, points: 2, question: "Is it safe?"}
"""
    # j3 judged 1 of 3 (with a citation), j2 not judged yet: pending.
    r = rubric(body)
    facts = FactSet([fact(k, v, "why.rb", 2) for k, v in {**ALL_FALSE, "x.a": True, "judge.j3": 1}.items()])
    card = score(r, facts)
    d = card.dimensions[0]
    assert [(x.id, x.kind, x.points) for x in d.deductions] == [("p3", "points", 3), ("j3", "judge", 2)]
    assert d.deductions[1].evidence[0].file == "why.rb"
    assert (d.score, d.pending_points, d.lost_points) == (3, 2, 5)
    assert [p.id for p in d.pending] == ["j2"]
    assert check_scorecard(card, r) == []
    # A judge stage that did not run leaves every criterion pending, whatever facts say.
    card = score(r, FactSet(facts.facts, missing_stages={"judge"}))
    assert (card.dimensions[0].score, card.dimensions[0].pending_points) == (2, 5)
    # A verdict that is not a number is not guessed at.
    card = score(r, FactSet([fact(k, v) for k, v in {**ALL_FALSE, "judge.j3": "good"}.items()]))
    assert card.dimensions[0].pending_points == 5


def test_floors_stop_judge_losses_as_they_stop_point_deductions():
    """A floor (v2: the self-review band 10-13, G6 floor 4) bounds what the judge can take too;
    without that, earned points understate the worst final score and a judge verdict could break the band."""
    body = BODY + """\
judge_criteria:
  - {id: j3, dimension: d, points: 3, question: "Any more defects?"}
"""
    r = rubric(body)
    # Floor 5 active, 3 taken by p3: 7 left; the pending judge can only take 2 more.
    _, d = run({**ALL_FALSE, "x.f": True, "x.a": True}, body)
    assert (d.score, d.pending_points, d.lost_points) == (5, 2, 3)
    assert [x.id for x in d.deductions] == ["p3", "fl5"]  # the floor is named: it is why 5 is earned
    # Decided: the judge gives 0 of 3, the floor keeps 5 and the judge is charged only the 2 it moved.
    values = {**ALL_FALSE, "x.f": True, "x.a": True, "judge.j3": 0}
    facts = FactSet([fact(k, v, "why.rb", 2) for k, v in values.items()])
    card = score(r, facts)
    d = card.dimensions[0]
    assert [(x.id, x.points) for x in d.deductions] == [("p3", 3), ("fl5", 0), ("j3", 2)]
    assert (d.score, d.pending_points, d.lost_points) == (5, 0, 5)
    assert check_scorecard(card, r) == []
    # Without the floor the judge takes all 3.
    _, d = run({**ALL_FALSE, "x.a": True}, body)
    assert (d.score, d.pending_points, d.lost_points) == (4, 3, 3)
    # A floor that holds but cuts nothing is not listed.
    _, d = run({**ALL_FALSE, "x.f": True}, body)
    assert (d.score, d.pending_points, [x.id for x in d.deductions]) == (7, 3, [])
    # A cap below the floor still wins, and the judge then has nothing to take below it.
    _, d = run({**ALL_FALSE, "x.f": True, "x.c": True}, body.replace("cap: 6", "cap: 2"))
    assert (d.score, d.pending_points) == (2, 0)


def test_an_unknown_count_puts_everything_it_may_take_at_stake():
    """per over an unknown count: the worst case takes its max_points, not one point's worth."""
    card, d = run({**ALL_FALSE, "x.n": None})
    assert (d.score, d.pending_points) == (7, 3)
    assert [(p.id, p.points) for p in d.pending] == [("per1", 3)]


def test_an_undecided_floor_that_cuts_a_deduction_passes_the_self_check():
    """The best case applies an unknown floor; the self-check must allow the cut it makes there."""
    _, d = run({**ALL_FALSE, "x.a": True, "x.b": True, "x.f": None})  # run() asserts the self-check
    assert (d.score, d.pending_points, d.lost_points) == (3, 2, 5)
    assert [(x.id, x.points) for x in d.deductions] == [("p3", 1), ("p4", 4)]
