"""What scoring produces: per-dimension earned points, losses with evidence, and pending points."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class EvidenceRef(BaseModel):
    file: str
    line: int
    snippet: str | None = None
    fact: str | None = None  # the fact id this place supports


class AppliedItem(BaseModel):
    """A deduction (or bonus) that holds. `points` is what it actually moved, after clipping."""

    id: str
    kind: Literal["points", "cap", "floor", "bonus", "judge"]
    points: float
    nominal: float  # the rubric's number: points, cap or floor value
    reason: str
    because: str  # the predicate, in words
    facts: dict[str, object] = Field(default_factory=dict)  # fact id -> value it was decided on
    evidence: list[EvidenceRef] = Field(default_factory=list)
    fix: str | None = None  # what to do about it, from the rubric (report 1.2)


class PassedItem(BaseModel):
    """A rubric rule that was checked and did not fire: the facts (and places) that kept the points."""

    id: str
    kind: Literal["points", "cap", "floor"]
    nominal: float  # the rubric's number the rule would have moved
    reason: str  # what the rule charges for (that did not hold)
    facts: dict[str, object] = Field(default_factory=dict)  # fact id -> value that made it false
    evidence: list[EvidenceRef] = Field(default_factory=list)


class PendingItem(BaseModel):
    """Points not decided yet: a judge criterion, or a rule over facts that are unknown."""

    id: str
    source: Literal["judge", "unknown_facts"]
    points: float  # nominal points at stake
    reason: str
    unknown_facts: list[str] = Field(default_factory=list)
    why_unknown: list[str] = Field(default_factory=list)  # one line per unknown fact, same order
    # An undecided bonus is counted in the best case: the points it adds there (for the self-check).
    best_case_gain: float = 0.0


class DimensionScore(BaseModel):
    id: str
    title: str
    max: float
    score: float  # earned so far (worst case over everything pending)
    pending_points: float  # may still be earned
    lost_points: float  # lost for good
    deductions: list[AppliedItem] = Field(default_factory=list)
    bonuses: list[AppliedItem] = Field(default_factory=list)
    pending: list[PendingItem] = Field(default_factory=list)
    passed: list[PassedItem] = Field(default_factory=list)  # checked and not charged (report 1.2)


class Scorecard(BaseModel):
    rubric: str
    total: float
    max_total: float
    pending_points: float
    tier: str  # on earned points
    tier_provisional: bool  # points are pending: the tier can still rise
    tier_best_case: str  # the tier if every pending point were earned
    dimensions: list[DimensionScore]
