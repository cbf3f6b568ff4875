"""Arithmetic self-check run on every report: sums, clipping, caps, floors, tiers.

It re-derives what must hold from the rubric and the report's own numbers, so a corrupted
or hand-edited report (or a scoring bug) is caught rather than published.
"""

from __future__ import annotations

from grader.rubric.schema import Rubric
from grader.scoring.models import AppliedItem, DimensionScore, Scorecard

TOL = 0.011  # scores are rounded to 2 decimals


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= TOL


def check_scorecard(card: Scorecard, rubric: Rubric) -> list[str]:
    problems: list[str] = []
    if card.rubric != rubric.id:
        problems.append(f"report says rubric {card.rubric!r}, checked against {rubric.id!r}")
    want_ids = [d.id for d in rubric.dimensions]
    got_ids = [d.id for d in card.dimensions]
    if want_ids != got_ids:
        problems.append(f"dimensions {got_ids} do not match the rubric's {want_ids}")
    for dim in card.dimensions:
        problems += _dimension_problems(dim, rubric)
    problems += _total_problems(card, rubric)
    return problems


def _dimension_problems(dim: DimensionScore, rubric: Rubric) -> list[str]:
    """Sums, clipping, caps, floors and catalog membership inside one dimension."""
    problems: list[str] = []
    catalog = {d.id: d for d in rubric.deductions}
    where = f"dimension {dim.id}"
    rdim = next((d for d in rubric.dimensions if d.id == dim.id), None)
    if rdim is not None and not _close(rdim.max, dim.max):
        problems.append(f"{where}: max {dim.max} but the rubric says {rdim.max}")
    if dim.score < -TOL or dim.pending_points < -TOL or dim.lost_points < -TOL:
        problems.append(f"{where}: negative score, pending or lost points")
    if not _close(dim.score + dim.pending_points + dim.lost_points, dim.max):
        problems.append(
            f"{where}: score {dim.score} + pending {dim.pending_points} + lost {dim.lost_points} != max {dim.max}"
        )
    best = dim.score + dim.pending_points
    moved = (sum(d.points for d in dim.deductions) - sum(b.points for b in dim.bonuses)
             - sum(p.best_case_gain for p in dim.pending))
    if not _close(dim.max - moved, best):
        problems.append(f"{where}: max {dim.max} - deductions {moved} != score + pending {best}")
    clipped = _clipped_by_floor(dim, rdim, catalog, best)
    judge_catalog = {j.id: j for j in rubric.judge_criteria}
    for d in dim.deductions:
        if d.kind == "judge":
            problems += _judge_deduction_problems(d, dim.id, judge_catalog, where)
        else:
            problems += _rule_deduction_problems(d, dim, catalog, where, best, clipped)
    problems += _bonus_problems(dim, {b.id: b for b in rubric.bonuses}, where)
    if best > dim.max + TOL:
        problems.append(f"{where}: score + pending {best} above max {dim.max}")
    return problems


def _clipped_by_floor(dim: DimensionScore, rdim, catalog: dict, best: float) -> bool:
    """True when a floor (or zero) may have stopped deductions short of their points."""
    floors = [rdim.floor or 0.0] if rdim is not None else [0.0]
    floors += [x.nominal for x in dim.deductions if x.kind == "floor"]
    # An undecided floor holds in the best case, so it may cut deductions there too.
    floors += [catalog[p.id].floor or 0.0 for p in dim.pending
               if p.source == "unknown_facts" and p.id in catalog and catalog[p.id].kind == "floor"]
    bonus_total = sum(b.points for b in dim.bonuses) + sum(p.best_case_gain for p in dim.pending)
    return best - bonus_total <= max(floors) + TOL


def _judge_deduction_problems(d: AppliedItem, dim_id: str, judge_catalog: dict, where: str) -> list[str]:
    crit = judge_catalog.get(d.id)
    if crit is None or crit.dimension != dim_id:
        return [f"{where}: judge criterion {d.id!r} is not in the rubric for this dimension"]
    if d.points > crit.points + TOL or d.points < -TOL:
        return [f"{where}: judge criterion {d.id} moves {d.points}, outside 0..{crit.points}"]
    return []


def _rule_deduction_problems(
    d: AppliedItem, dim: DimensionScore, catalog: dict, where: str, best: float, clipped: bool
) -> list[str]:
    """A point deduction may move less than its points only when a floor or zero stopped it."""
    rule = catalog.get(d.id)
    if rule is None or rule.dimension != dim.id:
        return [f"{where}: deduction {d.id!r} is not in the rubric for this dimension"]
    problems: list[str] = []
    if d.points < -TOL:
        problems.append(f"{where}: deduction {d.id} moves a negative number of points")
    if rule.kind == "points" and rule.per is None and d.points > rule.points + TOL:  # type: ignore[operator]
        problems.append(f"{where}: deduction {d.id} takes {d.points}, more than its {rule.points}")
    nominal = rule.points if rule.kind == "points" and rule.per is None else d.nominal
    if rule.kind == "points" and d.points < (nominal or 0) - TOL and not clipped:
        problems.append(
            f"{where}: deduction {d.id} takes {d.points} of its {nominal} with no floor or zero to stop it"
        )
    if (rule.kind == "points" and rule.per is not None and rule.max_points is not None
            and d.points > rule.max_points + TOL):
        problems.append(
            f"{where}: deduction {d.id} takes {d.points}, more than its max_points {rule.max_points}"
        )
    if rule.kind == "cap" and best > rule.cap + TOL:  # type: ignore[operator]
        problems.append(f"{where}: cap {d.id} at {rule.cap} but score + pending is {best}")
    capped = any(x.kind == "cap" for x in dim.deductions)
    if rule.kind == "floor" and not capped and best < rule.floor - TOL:  # type: ignore[operator]
        problems.append(f"{where}: floor {d.id} at {rule.floor} but score + pending is {best}")
    return problems


def _bonus_problems(dim: DimensionScore, bonus_catalog: dict, where: str) -> list[str]:
    problems: list[str] = []
    for b in dim.bonuses:
        rule_b = bonus_catalog.get(b.id)
        if rule_b is None or rule_b.dimension != dim.id:
            problems.append(f"{where}: bonus {b.id!r} is not in the rubric for this dimension")
        elif b.points > rule_b.points + TOL:
            problems.append(f"{where}: bonus {b.id} gives {b.points}, more than its {rule_b.points}")
    return problems


def _total_problems(card: Scorecard, rubric: Rubric) -> list[str]:
    """Report-level sums and tiers."""
    problems: list[str] = []
    total = sum(d.score for d in card.dimensions)
    pending = sum(d.pending_points for d in card.dimensions)
    if not _close(card.total, total):
        problems.append(f"total {card.total} != sum of dimension scores {round(total, 2)}")
    if not _close(card.pending_points, pending):
        problems.append(
            f"pending_points {card.pending_points} != sum of dimension pending points {round(pending, 2)}"
        )
    if not _close(card.max_total, rubric.max_total):
        problems.append(f"max_total {card.max_total} != rubric total {rubric.max_total}")
    if card.tier != rubric.tier_for(card.total):
        problems.append(f"tier {card.tier!r} but {card.total} points fall in {rubric.tier_for(card.total)!r}")
    if card.tier_provisional != (card.pending_points > TOL):
        problems.append("tier_provisional must be true exactly when points are pending")
    if card.tier_best_case != rubric.tier_for(card.total + card.pending_points):
        problems.append(f"tier_best_case {card.tier_best_case!r} does not match total + pending")
    return problems
