"""The rubric file schema. A rubric is data: changing it changes grades, not code."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from grader.rubric.predicates import Predicate

RUBRIC_SCHEMA_VERSION = 1


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Dimension(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    max: float = Field(gt=0)
    goals: list[str] = Field(default_factory=list)  # e.g. ["G4"] in v2
    # Point deductions and judge losses never take the score below this (e.g. v2 G6 "floor 4"). Caps still apply.
    floor: float | None = Field(default=None, ge=0)
    description: str = ""
    # The judge also gives this dimension one holistic score (report only, never counted), so that
    # calibration can compare it with human dimension scores. judge_question: what it is asked.
    judge_holistic: bool = False
    judge_question: str | None = None


class Tier(_Strict):
    name: str
    min: float = Field(ge=0)


class Deduction(_Strict):
    """One catalog entry. Exactly one of points / cap / floor.

    points: subtract when the predicate holds (times `per` if given, up to `max_points`).
    cap:    the dimension cannot score above this when the predicate holds.
    floor:  point deductions (and judge losses) cannot take the dimension below this when the predicate holds.
    """

    id: str = Field(pattern=r"^[a-z][a-z0-9_.-]*$")
    dimension: str
    reason: str  # one line, shown in reports
    # The deduction phrased as what to do about it ("add a compose file with app and db services"), for reports.
    fix: str | None = None
    when: Predicate | None = None  # None: always
    points: float | None = Field(default=None, gt=0)
    cap: float | None = Field(default=None, ge=0)
    floor: float | None = Field(default=None, ge=0)
    per: str | None = None  # multiply points by this fact's count (e.g. untested components)
    max_points: float | None = Field(default=None, gt=0)

    @model_validator(mode="after")
    def _one_kind(self) -> "Deduction":
        kinds = [k for k in ("points", "cap", "floor") if getattr(self, k) is not None]
        if len(kinds) != 1:
            raise ValueError(f"deduction {self.id!r} needs exactly one of points, cap, floor (got {kinds or 'none'})")
        if (self.per or self.max_points) and self.points is None:
            raise ValueError(f"deduction {self.id!r}: per/max_points only go with points")
        return self

    @property
    def kind(self) -> str:
        return "points" if self.points is not None else "cap" if self.cap is not None else "floor"


class Bonus(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_.-]*$")
    dimension: str
    reason: str
    points: float = Field(gt=0)
    when: Predicate


class JudgeCriterion(_Strict):
    """Points only judgment can decide; pending until the judge stage scores them."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_.-]*$")
    dimension: str
    points: float = Field(gt=0)
    question: str  # the text the judge gets
    anchors: dict[str, str] = Field(default_factory=dict)  # score band -> what it looks like
    applies_when: Predicate | None = None  # None: always applies
    # What a false applies_when means, as the rubric text says: not_applicable (nothing to judge, the
    # points stand) or not_built (the subject of the question does not exist, e.g. no LLM call at all:
    # 0 points, decided without asking a model).
    otherwise: Literal["not_applicable", "not_built"] = "not_applicable"

    @model_validator(mode="after")
    def _otherwise_needs_a_condition(self) -> "JudgeCriterion":
        if self.otherwise == "not_built" and self.applies_when is None:
            raise ValueError(f"judge criterion {self.id}: otherwise: not_built needs an applies_when")
        return self


class GoalCheck(_Strict):
    """How facts bear on a brief goal: used to check a self-review's PASS claims.

    contradicted_when holds -> a PASS claim on this goal is false. supported_when holds -> the
    facts back it. Neither -> the claim is unverifiable by facts and waits for the judge.
    """

    id: str = Field(pattern=r"^G[0-9]+$")
    title: str
    keywords: list[str] = Field(default_factory=list)  # words a row about this goal tends to use
    contradicted_when: Predicate | None = None
    supported_when: Predicate | None = None


class Rubric(_Strict):
    schema_version: int = RUBRIC_SCHEMA_VERSION
    id: str = Field(pattern=r"^[a-z][a-z0-9_.-]*$")
    title: str
    description: str = ""
    tie_gap: float = 0  # stated noise: score gaps up to this are ties
    dimensions: list[Dimension] = Field(min_length=1)
    tiers: list[Tier] = Field(min_length=1)
    deductions: list[Deduction] = Field(default_factory=list)
    bonuses: list[Bonus] = Field(default_factory=list)
    judge_criteria: list[JudgeCriterion] = Field(default_factory=list)
    goals: list[GoalCheck] = Field(default_factory=list)  # brief goals, for self-review fidelity

    @property
    def max_total(self) -> float:
        return sum(d.max for d in self.dimensions)

    def dimension(self, dim_id: str) -> Dimension:
        return next(d for d in self.dimensions if d.id == dim_id)

    def fact_ids(self) -> set[str]:
        ids: set[str] = set()
        for d in self.deductions:
            if d.when is not None:
                ids |= d.when.fact_ids()
            if d.per:
                ids.add(d.per)
        for b in self.bonuses:
            ids |= b.when.fact_ids()
        for j in self.judge_criteria:
            if j.applies_when is not None:
                ids |= j.applies_when.fact_ids()
        for g in self.goals:
            for p in (g.contradicted_when, g.supported_when):
                if p is not None:
                    ids |= p.fact_ids()
        return ids

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> "Rubric":
        # parse_rubric() asks to skip this and reports the same problems with their YAML lines.
        if not (info.context or {}).get("defer_consistency"):
            problems = consistency_problems(self)
            if problems:
                raise ValueError("; ".join(msg for _, msg in problems))
        return self

    def tier_for(self, score: float) -> str:
        for t in self.tiers:
            if score >= t.min:
                return t.name
        return self.tiers[-1].name


def consistency_problems(r: Rubric) -> list[tuple[tuple, str]]:
    """Cross-field checks, each with the data path of the offending value."""
    out: list[tuple[tuple, str]] = []
    if r.schema_version != RUBRIC_SCHEMA_VERSION:
        out.append((("schema_version",),
                    f"schema_version {r.schema_version} is not supported (this grader reads {RUBRIC_SCHEMA_VERSION})"))
    dims = _dimension_problems(r, out)
    _catalog_item_problems(r, dims, out)
    _judged_points_problems(r, out)
    _goal_and_tier_problems(r, out)
    return out


def _dimension_problems(r: Rubric, out: list[tuple[tuple, str]]) -> dict[str, Dimension]:
    """Appends duplicate-id and floor problems; returns the dimensions by id."""
    dims: dict[str, Dimension] = {}
    for i, d in enumerate(r.dimensions):
        if d.id in dims:
            out.append((("dimensions", i, "id"), f"dimension id {d.id!r} appears twice"))
        if d.floor is not None and d.floor > d.max:
            out.append((("dimensions", i, "floor"), f"dimension {d.id!r}: floor {d.floor} above max {d.max}"))
        dims[d.id] = d
    return dims


def _catalog_item_problems(r: Rubric, dims: dict[str, Dimension], out: list[tuple[tuple, str]]) -> None:
    """Deductions, bonuses and judge criteria: ids unique across all three, known dimension, amounts within it."""
    seen: set[str] = set()
    groups = (("deductions", "deduction", r.deductions), ("bonuses", "bonus", r.bonuses),
              ("judge_criteria", "judge criterion", r.judge_criteria))
    for key, kind, items in groups:
        for i, item in enumerate(items):
            if item.id in seen:
                out.append(((key, i, "id"), f"{kind} id {item.id!r} is used twice"))
            seen.add(item.id)
            if item.dimension not in dims:
                known = ", ".join(dims)
                out.append(((key, i, "dimension"),
                            f"{kind} {item.id!r} names unknown dimension {item.dimension!r} (known: {known})"))
                continue
            dmax = dims[item.dimension].max
            for field in ("points", "cap", "floor", "max_points"):
                v = getattr(item, field, None)
                if v is not None and v > dmax:
                    out.append(((key, i, field),
                                f"{kind} {item.id!r}: {field} {v} exceeds dimension {item.dimension!r} max {dmax}"))


def _judged_points_problems(r: Rubric, out: list[tuple[tuple, str]]) -> None:
    for i, dim in enumerate(r.dimensions):
        judged = sum(j.points for j in r.judge_criteria if j.dimension == dim.id)
        if judged > dim.max:
            out.append((("dimensions", i, "max"),
                        f"judge criteria of {dim.id!r} govern {judged} points, more than its max {dim.max}"))


def _goal_and_tier_problems(r: Rubric, out: list[tuple[tuple, str]]) -> None:
    goal_ids = [g.id for g in r.goals]
    for i, g in enumerate(goal_ids):
        if goal_ids.index(g) != i:
            out.append((("goals", i, "id"), f"goal {g} appears twice"))
    names = [t.name for t in r.tiers]
    mins = [t.min for t in r.tiers]
    if len(set(names)) != len(names):
        out.append((("tiers",), "tier names must be unique"))
    if mins != sorted(mins, reverse=True):
        out.append((("tiers",), "tiers must be listed from the highest threshold down"))
    if mins and mins[-1] != 0:
        out.append((("tiers", len(mins) - 1, "min"), "the lowest tier must start at 0 so every score has a tier"))
    if mins and mins[0] > r.max_total:
        out.append((("tiers", 0, "min"),
                    f"tier {names[0]!r} starts at {mins[0]}, above the rubric total {r.max_total}"))
