"""Deterministic scoring of facts against a rubric.

Each dimension is scored twice: a best case (unknown rules do not fire, the judge gives
everything) and a worst case (unknown rules fire, the judge gives nothing). The worst case is
what is earned; best minus worst is pending; max minus best is lost. So a report never
claims points it did not earn, nor takes away points nobody has decided on.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from grader.rubric.predicates import Truth
from grader.rubric.schema import Bonus, Deduction, Dimension, JudgeCriterion, Rubric
from grader.scoring.factset import FactSet
from grader.scoring.citations import deciding_fact_ids, describe_deciding
from grader.scoring.models import AppliedItem, DimensionScore, EvidenceRef, PassedItem, PendingItem, Scorecard

EPS = 1e-9


def _r(x: float) -> float:
    return round(x + 0.0, 2)


@dataclass
class _Rule:
    item: Deduction | Bonus
    truth: Truth
    used: list = field(default_factory=list)
    points: float = 0.0  # nominal points after `per`
    unknown_facts: list[str] = field(default_factory=list)


def _evaluate(rule: Deduction | Bonus, facts: FactSet, dim: Dimension) -> _Rule:
    when = rule.when
    if when is None:
        truth, used = Truth.true, []
    else:
        truth, used = when.evaluate(facts)
    points = float(getattr(rule, "points", 0) or 0)
    per = getattr(rule, "per", None)
    if per and truth is not Truth.false:
        n = facts.magnitude(per)
        used = used + facts.get(per)
        if n is None:
            # An unknown count could be any size: at stake is all it may take (max_points, else the dimension).
            truth = Truth.unknown
            points = float(rule.max_points or dim.max)  # type: ignore[union-attr]
        else:
            points *= n
        if rule.max_points is not None:  # type: ignore[union-attr]
            points = min(points, rule.max_points)  # type: ignore[union-attr]
        if points <= 0 and truth is Truth.true:
            truth = Truth.false
    unknown = sorted(i for i in (when.fact_ids() if when else set()) | ({per} if per else set()) if facts.is_unknown(i))
    return _Rule(rule, truth, used, points, unknown)


def _at_stake(r: _Rule, dim: Dimension) -> float:
    """Nominal points an undecided rule could move."""
    item = r.item
    if isinstance(item, Bonus) or item.kind == "points":
        return r.points
    if item.kind == "cap":
        return max(0.0, dim.max - (item.cap or 0.0))
    return item.floor or 0.0


def _judge_applies(j: JudgeCriterion, facts: FactSet) -> Truth:
    return Truth.true if j.applies_when is None else j.applies_when.evaluate(facts)[0]


def judge_fact_id(criterion_id: str) -> str:
    """The judge stage reports each criterion as a fact `judge.<id>` whose value is the points awarded."""
    return f"judge.{criterion_id}"


def _judge_award(j: JudgeCriterion, facts: FactSet):
    """(awarded points, fact) when the judge decided this criterion, else None."""
    fid = judge_fact_id(j.id)
    if facts.is_unknown(fid):
        return None
    fact = facts.get(fid)[0]
    if isinstance(fact.value, bool) or not isinstance(fact.value, (int, float)):
        return None  # not a score: stays pending rather than guessing
    return min(max(float(fact.value), 0.0), j.points), fact


def _walk(dim: Dimension, rules: list[_Rule], judged: float, worst: bool,
          judge_lost: list[tuple[str, float]] = ()) -> tuple[float, dict[str, float], bool]:
    """One pass: the score, how many points each rule moved (ids -> effective points), and whether a
    floor cut a judge loss.

    Order: point deductions, largest first (stopped by floors), bonuses (clipped to max), caps, then the judge's
    decided losses, then (worst case only) every judge point still pending. Floors stop judge losses too: a
    judge criterion finds more of what the floored deductions count (v2: the over-claims of the self-review
    band 10-13, the G6 races beyond the static hazard list), so it cannot go below the band either."""
    def fires(r: _Rule) -> bool:
        return r.truth is Truth.true or (r.truth is Truth.unknown and worst)

    def helps(r: _Rule) -> bool:  # bonuses and floors help: in the worst case unknown ones do not fire
        return r.truth is Truth.true or (r.truth is Truth.unknown and not worst)

    moved: dict[str, float] = {}
    floor = max([dim.floor or 0.0] + [r.item.floor for r in rules  # type: ignore[union-attr]
                                      if isinstance(r.item, Deduction) and r.item.kind == "floor" and helps(r)])
    s = dim.max
    # Largest deductions first: when clipping at a floor or zero leaves a deduction with nothing to
    # take, the points lost are attributed to the most severe defect, not to the first listed.
    for r in sorted(rules, key=lambda r: -r.points):
        if isinstance(r.item, Deduction) and r.item.kind == "points" and fires(r):
            after = max(s - r.points, min(floor, s))
            moved[r.item.id] = s - after
            s = after
    for r in rules:
        if isinstance(r.item, Bonus) and helps(r):
            after = min(dim.max, s + r.points)
            moved[r.item.id] = after - s
            s = after
    for r in rules:
        if isinstance(r.item, Deduction) and r.item.kind == "cap" and fires(r):
            after = min(s, r.item.cap)  # type: ignore[arg-type]
            moved[r.item.id] = s - after
            s = after
    s = max(0.0, s)
    judge_floored = False
    for jid, lost in [*judge_lost, *([("", judged)] if worst else [])]:  # "": the judge points still pending
        after = max(s - lost, min(floor, s), 0.0)
        judge_floored |= after > max(s - lost, 0.0) + EPS
        if jid:
            moved[jid] = s - after
        s = after
    return s, moved, judge_floored


def _floor_stopped(rules: list[_Rule], moved: dict[str, float]) -> bool:
    """Did some point deduction move less than its points (so a floor held)?"""
    return any(isinstance(r.item, Deduction) and r.item.kind == "points" and r.truth is Truth.true
               and moved.get(r.item.id, 0.0) < r.points - EPS for r in rules)


def _evidence(used: list) -> list[EvidenceRef]:
    out: list[EvidenceRef] = []
    seen = set()
    for fact in used:
        for ev in getattr(fact, "evidence", []) or []:
            key = (ev.file, ev.line)
            if key not in seen:
                seen.add(key)
                out.append(EvidenceRef(file=ev.file, line=ev.line, snippet=ev.snippet, fact=fact.id))
    return out


def _cited_facts(r: _Rule, facts: FactSet) -> list:
    """The facts of the conditions that fired (plus the `per` count): what the predicate matched, and for
    a condition that held by a fact failing a test (under `not`), that fact too, so its value is shown."""
    ids = deciding_fact_ids(r.item.when, facts, Truth.true) if r.item.when is not None else []
    per = getattr(r.item, "per", None)
    if per and per not in ids:
        ids.append(per)
    matched = [f for f in r.used if f.id in ids]
    seen = {f.id for f in matched}
    return matched + [f for i in ids if i not in seen for f in facts.get(i)]


def _passed(r: _Rule, facts: FactSet) -> PassedItem:
    """A deduction checked and not charged, with the facts that kept it from firing."""
    item = r.item
    ids = deciding_fact_ids(item.when, facts, Truth.false) if item.when is not None else []
    if not ids and item.per:  # fired on its predicate but the count was 0
        ids = [item.per]
    cited = [f for i in ids for f in facts.get(i)]
    nominal = r.points if item.kind == "points" else (item.cap if item.kind == "cap" else item.floor)
    return PassedItem(id=item.id, kind=item.kind, nominal=_r(nominal or 0.0), reason=item.reason,
                      facts={f.id: f.value for f in cited}, evidence=_evidence(cited))


def score_dimension(dim: Dimension, rubric: Rubric, facts: FactSet) -> DimensionScore:
    rules = [_evaluate(d, facts, dim) for d in rubric.deductions if d.dimension == dim.id]
    rules += [_evaluate(b, facts, dim) for b in rubric.bonuses if b.dimension == dim.id]
    pending: list[PendingItem] = []
    judged = 0.0
    decided: list[tuple[JudgeCriterion, float, object]] = []  # (criterion, awarded, fact)
    not_built: list[JudgeCriterion] = []  # its subject does not exist: 0, without asking a model
    for j in rubric.judge_criteria:
        if j.dimension != dim.id:
            continue
        if _judge_applies(j, facts) is Truth.false:
            if j.otherwise == "not_built":
                not_built.append(j)
            continue
        award = _judge_award(j, facts)
        if award is not None:
            decided.append((j, award[0], award[1]))
            continue
        judged += j.points
        pending.append(PendingItem(id=j.id, source="judge", points=j.points, reason=j.question.strip().splitlines()[0]))
    judge_lost = [(j.id, j.points - awarded) for j, awarded, _ in decided] + [(j.id, j.points) for j in not_built]
    best, moved, floored_best = _walk(dim, rules, judged, worst=False, judge_lost=judge_lost)
    worst, _, floored_worst = _walk(dim, rules, judged, worst=True, judge_lost=judge_lost)
    judge_floored = floored_best or floored_worst
    applied: list[AppliedItem] = []
    bonuses: list[AppliedItem] = []
    passed: list[PassedItem] = []
    for r in rules:
        if r.truth is Truth.unknown:
            gain = moved.get(r.item.id, 0.0) if isinstance(r.item, Bonus) else 0.0
            pending.append(PendingItem(id=r.item.id, source="unknown_facts", points=_r(_at_stake(r, dim)),
                                       reason=r.item.reason, unknown_facts=r.unknown_facts, best_case_gain=_r(gain),
                                       why_unknown=[facts.why_unknown(f)[:200] for f in r.unknown_facts]))
            continue
        if r.truth is not Truth.true:
            if isinstance(r.item, Deduction):
                passed.append(_passed(r, facts))
            continue
        kind = "bonus" if isinstance(r.item, Bonus) else r.item.kind
        if kind == "floor" and not (_floor_stopped(rules, moved) or judge_floored):
            continue  # a floor that stopped nothing is not a reason worth reporting
        nominal = r.points if kind in ("points", "bonus") else (r.item.cap if kind == "cap" else r.item.floor)  # type: ignore[union-attr]
        cited = _cited_facts(r, facts)
        item = AppliedItem(
            id=r.item.id, kind=kind, points=_r(moved.get(r.item.id, 0.0)), nominal=_r(nominal or 0.0),
            reason=r.item.reason,
            because=describe_deciding(r.item.when, facts, Truth.true) if r.item.when is not None else "always",
            facts={f.id: f.value for f in cited},
            evidence=_evidence([f for f in r.used if f in cited]),
            fix=getattr(r.item, "fix", None),
        )
        (bonuses if kind == "bonus" else applied).append(item)
    for j, awarded, fact in decided:
        if j.points - awarded <= EPS:
            continue
        applied.append(AppliedItem(
            id=j.id, kind="judge", points=_r(moved.get(j.id, 0.0)), nominal=_r(j.points),
            reason=" ".join(j.question.split()), because=f"the judge awarded {awarded:g} of {j.points:g}",
            facts={fact.id: fact.value}, evidence=_evidence([fact]),  # type: ignore[attr-defined]
        ))
    applied += [_not_built_item(j, facts, moved) for j in not_built if moved.get(j.id, 0.0) > EPS]
    return DimensionScore(
        id=dim.id, title=dim.title, max=dim.max,
        score=_r(worst), pending_points=_r(best - worst), lost_points=_r(dim.max - best),
        deductions=applied, bonuses=bonuses, pending=pending, passed=passed,
    )


def _not_built_item(j: JudgeCriterion, facts: FactSet, moved: dict[str, float]) -> AppliedItem:
    """A judge criterion whose subject does not exist (its applies_when is false, `otherwise: not_built`)."""
    assert j.applies_when is not None  # the schema requires it for not_built
    used = [f for fid in sorted(j.applies_when.fact_ids()) for f in facts.get(fid)]
    return AppliedItem(
        id=j.id, kind="judge", points=_r(moved.get(j.id, 0.0)), nominal=_r(j.points),
        reason=" ".join(j.question.split()),
        because="not built, so not asked: " + describe_deciding(j.applies_when, facts, Truth.false),
        facts={f.id: f.value for f in used}, evidence=_evidence(used),
    )


def score(rubric: Rubric, facts: FactSet) -> Scorecard:
    dims = [score_dimension(d, rubric, facts) for d in rubric.dimensions]
    total = _r(sum(d.score for d in dims))
    pending = _r(sum(d.pending_points for d in dims))
    return Scorecard(
        rubric=rubric.id, total=total, max_total=_r(rubric.max_total), pending_points=pending,
        tier=rubric.tier_for(total), tier_provisional=pending > EPS,
        tier_best_case=rubric.tier_for(total + pending), dimensions=dims,
    )
