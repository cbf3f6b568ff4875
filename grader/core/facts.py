"""The type every stage hands on: a fact with its evidence, and the set of facts a grade collected.

Truth is three-valued. A fact is unknown when its stage did not run, nobody reported it, or it was
reported as null; an unknown fact is never read as false, so the points it decides stay pending.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any, Protocol, runtime_checkable

from pydantic import BaseModel, Field


class Evidence(BaseModel):
    """A place in the graded repo, relative to the path the user gave."""

    file: str
    line: int
    column: int = 0
    snippet: str | None = None


class Fact(BaseModel):
    """One rubric-relevant observation, with the rule that produced it and where."""

    id: str
    value: Any
    rule: str
    evidence: list[Evidence] = Field(default_factory=list)
    note: str | None = None


# Fact ids carry their producing stage as a prefix; everything else is static.
STAGE_PREFIXES = {"runtime": "runtime.", "selfreview": "selfreview.", "judge": "judge."}


def stage_of(fact_id: str) -> str:
    for stage, prefix in STAGE_PREFIXES.items():
        if fact_id.startswith(prefix):
            return stage
    return "static"


@runtime_checkable
class FactLookup(Protocol):
    """What a rubric predicate needs from a set of facts (FactSet is the implementation)."""

    def get(self, fact_id: str) -> list[Any]: ...

    def count(self, fact_id: str) -> int: ...

    def is_unknown(self, fact_id: str) -> bool: ...

    def is_stage_missing(self, fact_id: str) -> bool: ...


class FactSet:
    """Facts indexed by id. missing_stages: stages that were skipped or failed; their facts are
    unknown, not false."""

    def __init__(self, facts: Iterable[Fact], missing_stages: Iterable[str] = ()) -> None:
        self.facts = list(facts)
        self.missing_stages = set(missing_stages)
        self._by_id: dict[str, list[Fact]] = defaultdict(list)
        for f in self.facts:
            self._by_id[f.id].append(f)

    def get(self, fact_id: str) -> list[Fact]:
        return list(self._by_id.get(fact_id, ()))

    def value(self, fact_id: str, default: Any = None) -> Any:
        found = self._by_id.get(fact_id)
        return found[0].value if found else default

    def is_stage_missing(self, fact_id: str) -> bool:
        return stage_of(fact_id) in self.missing_stages

    def is_unknown(self, fact_id: str) -> bool:
        """Unknown: its stage is missing, nobody reported it, or it was reported as null."""
        if self.is_stage_missing(fact_id):
            return True
        found = self._by_id.get(fact_id)
        return not found or all(f.value is None for f in found)

    def count(self, fact_id: str) -> int:
        """List values count their items; other facts count 1 when truthy."""
        n = 0
        for f in self._by_id.get(fact_id, ()):
            if isinstance(f.value, (list, tuple, set, dict)):
                n += len(f.value)
            elif f.value:
                n += 1
        return n

    def why_unknown(self, fact_id: str) -> str:
        """One line for a report: why this fact is undecided."""
        stage = stage_of(fact_id)
        if stage in self.missing_stages:
            return f"{stage} stage did not run"
        found = self._by_id.get(fact_id)
        if not found:
            return "not reported by any stage"
        return next((f.note for f in found if f.note), "value undecided")

    def magnitude(self, fact_id: str) -> int | None:
        """A number for `per`: an int value, or the length of a list value; None when unknown."""
        if self.is_unknown(fact_id):
            return None
        v = self._by_id[fact_id][0].value
        if isinstance(v, bool):
            return int(v)
        if isinstance(v, (int, float)):
            return int(v)
        if isinstance(v, (list, tuple, set, dict)):
            return len(v)
        return 1 if v else 0
