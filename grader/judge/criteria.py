"""What the judge is asked: the rubric's judge criteria (their points count) and the holistic
dimension scores the rubric marks `judge_holistic` (reported for calibration, never counted), each
with the verified facts that bear on it as givens."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from grader.rubric.predicates import Truth

HOLISTIC_PREFIX = "dimension:"
MAX_PLACES = 5  # file:line places shown per given fact: the static findings behind it, bounded
# Facts every criterion gets as givens, whatever its dimension: the headline verdicts of the static
# audit and of the runtime, and whether the repo talks to graders.
HEADLINE_FACTS = ["rubyllm.invented_calls", "rubyllm.invented_kinds", "rubyllm.bypass", "runtime.build.ok",
                  "runtime.boot.ok", "runtime.tests.ok", "injection.found"]


@dataclass
class Given:
    id: str
    value: Any
    where: str | None  # file:line of its evidence (the first MAX_PLACES), e.g. each invented call


@dataclass
class CriterionSpec:
    id: str
    dimension: str
    max: float
    question: str
    anchors: dict[str, str]
    counted: bool  # True: its points enter the score as fact judge.<id>
    givens: list[Given] = field(default_factory=list)
    fact_files: list[str] = field(default_factory=list)

    def text_for_key(self) -> dict:
        return {"id": self.id, "dimension": self.dimension, "max": self.max, "question": self.question,
                "anchors": self.anchors, "givens": [(g.id, repr(g.value), g.where) for g in self.givens]}


def _dimension_fact_ids(rubric, dim_id: str) -> list[str]:
    ids: list[str] = []
    for item in [*rubric.deductions, *rubric.bonuses]:
        if item.dimension != dim_id:
            continue
        if item.when is not None:
            ids += sorted(item.when.fact_ids())
        if getattr(item, "per", None):
            ids.append(item.per)
    for j in rubric.judge_criteria:
        if j.dimension == dim_id and j.applies_when is not None:
            ids += sorted(j.applies_when.fact_ids())
    dim = rubric.dimension(dim_id)
    for goal in rubric.goals:
        if goal.id in dim.goals:
            for pred in (goal.contradicted_when, goal.supported_when):
                if pred is not None:
                    ids += sorted(pred.fact_ids())
    return list(dict.fromkeys(ids + HEADLINE_FACTS))


def _givens(facts, ids: list[str]) -> tuple[list[Given], list[str]]:
    givens: list[Given] = []
    files: list[str] = []
    for fid in ids:
        if facts is None or facts.is_unknown(fid) or fid.startswith("judge."):
            continue
        for f in facts.get(fid)[:1]:
            ev = (getattr(f, "evidence", None) or [])
            places = list(dict.fromkeys(f"{e.file}:{e.line}" for e in ev if e.file))
            where = ", ".join(places[:MAX_PLACES]) + (f" (+{len(places) - MAX_PLACES} more)"
                                                       if len(places) > MAX_PLACES else "") if places else None
            givens.append(Given(fid, f.value, where))
            files += [e.file for e in ev if e.file]
    return givens, list(dict.fromkeys(files))


def not_asked(rubric, facts, only: list[str] | None = None) -> list:
    """The rubric's judge criteria that are decided without a model because their applies_when is
    false (not built: 0; not applicable: the points stand), in rubric order."""
    from grader.judge.models import NotAsked
    from grader.scoring.citations import describe_deciding

    out = []
    for j in rubric.judge_criteria:
        if j.applies_when is None or facts is None or (only and j.id not in only):
            continue
        if j.applies_when.evaluate(facts)[0] is Truth.false:
            out.append(NotAsked(criterion=j.id, dimension=j.dimension, decided=j.otherwise,
                                because=describe_deciding(j.applies_when, facts, Truth.false)))
    return out


def _holistic_anchors(top: float) -> dict[str, str]:
    q = top / 4
    return {f"{top:g}": "exemplary: nothing a senior reviewer would change",
            f"{3 * q:g}": "good, with minor weaknesses",
            f"{2 * q:g}": "works, with clear weaknesses a reviewer would ask to fix",
            f"{q:g}": "barely works or largely incomplete",
            "0": "missing or broken"}


def criterion_specs(rubric, facts, only: list[str] | None = None, holistic: bool = True) -> list[CriterionSpec]:
    """Specs in rubric order; `only` keeps the named ids (criterion ids or dimension:<id>)."""
    specs: list[CriterionSpec] = []
    for j in rubric.judge_criteria:
        if j.applies_when is not None and facts is not None:
            if j.applies_when.evaluate(facts)[0] is Truth.false:
                continue
        givens, files = _givens(facts, _dimension_fact_ids(rubric, j.dimension))
        specs.append(CriterionSpec(j.id, j.dimension, float(j.points), " ".join(j.question.split()),
                                   dict(j.anchors), True, givens, files))
    if holistic:
        for dim in rubric.dimensions:
            if not dim.judge_holistic:
                continue
            question = dim.judge_question or f"As a whole, how good is this repository on: {dim.title}?"
            givens, files = _givens(facts, _dimension_fact_ids(rubric, dim.id))
            specs.append(CriterionSpec(HOLISTIC_PREFIX + dim.id, dim.id, float(dim.max), " ".join(question.split()),
                                       _holistic_anchors(dim.max), False, givens, files))
    if only:
        wanted = set(only)
        specs = [s for s in specs if s.id in wanted or s.id.removeprefix(HOLISTIC_PREFIX) in wanted]
    return specs


def anchor_step(spec: CriterionSpec) -> float:
    """How far samples may spread before the criterion is `unstable`. With three or more anchor
    levels, neighbours may disagree (the smallest gap between levels; a band "a-b" counts as its
    width). With two levels the anchors are a yes/no: a flip from one to the other is unstable, so
    the allowance is half the gap. Without anchors, half the points."""
    levels: list[float] = []
    widths: list[float] = []
    for band in spec.anchors:
        text = str(band).strip()
        try:
            if "-" in text.lstrip("-"):
                lo, hi = (float(x) for x in text.split("-", 1))
                widths.append(abs(hi - lo))
                levels += [lo, hi]
            else:
                levels.append(float(text))
        except ValueError:
            continue
    levels = sorted(set(levels))
    gaps = [b - a for a, b in zip(levels, levels[1:]) if b > a] + [w for w in widths if w > 0]
    if not gaps:
        return spec.max / 2
    return min(gaps) if len(levels) >= 3 else min(gaps) / 2
