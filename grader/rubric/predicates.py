"""A small declarative predicate language over fact ids (no eval, no expressions).

YAML forms:
    {all: [P, ...]}   {any: [P, ...]}   {not: P}
    {fact: ID}                      the fact is present and truthy
    {fact: ID, equals: V}           {fact: ID, in: [V, ...]}
    {fact: ID, contains: V}         a list-valued fact holds V
    {fact: ID, gt: N} / lt / gte / lte
    {fact: ID, exists: true|false}
    {fact: ID, count: {gt: N}}      count comparators: gt, lt, gte, lte, equals

Evaluation is three-valued (Kleene): a fact whose producing stage did not run, that no
stage reported, or whose value is null, is UNKNOWN (only `exists` decides on absence), so a
predicate over it is neither true nor false and the points it governs stay pending. This is
what keeps a skipped runtime stage from reading as "pass".
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, Union

from pydantic import BaseModel, ConfigDict, Discriminator, Field, Tag, model_validator


class Truth(str, Enum):
    true = "true"
    false = "false"
    unknown = "unknown"

    @staticmethod
    def of(value: bool) -> "Truth":
        return Truth.true if value else Truth.false


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CountTest(_Strict):
    gt: float | None = None
    lt: float | None = None
    gte: float | None = None
    lte: float | None = None
    equals: float | None = None

    def describe(self) -> str:
        for name in ("gt", "lt", "gte", "lte", "equals"):
            if getattr(self, name) is not None:
                return f"{name} {getattr(self, name):g}"
        return "?"

    @model_validator(mode="after")
    def _one(self) -> "CountTest":
        if sum(v is not None for v in (self.gt, self.lt, self.gte, self.lte, self.equals)) != 1:
            raise ValueError("count needs exactly one of gt, lt, gte, lte, equals")
        return self


def _same(value: Any, ref: Any) -> bool:
    """Equality where a boolean is never a number: `equals: 0` must not hold for a fact reported false."""
    return isinstance(value, bool) == isinstance(ref, bool) and value == ref


def _compare(value: Any, op: str, ref: Any) -> bool:
    if op == "equals":
        return _same(value, ref)
    if op == "in":
        return any(_same(value, r) for r in ref)
    if op == "contains":
        return isinstance(value, (list, tuple, set)) and any(_same(v, ref) for v in value)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False  # an ordering test on a non-number never holds
    return {"gt": value > ref, "lt": value < ref, "gte": value >= ref, "lte": value <= ref}[op]



class FactTest(_Strict):
    fact: str = Field(min_length=1)
    equals: Any = None
    in_: list[Any] | None = Field(default=None, alias="in")
    contains: str | int | float | bool | None = None
    gt: float | None = None
    lt: float | None = None
    gte: float | None = None
    lte: float | None = None
    exists: bool | None = None
    count: CountTest | None = None

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _mark_equals(cls, data: Any) -> Any:
        # `equals: null` is legal and differs from "no equals": remember that the key was given.
        if isinstance(data, dict) and "equals" in data:
            data = dict(data)
            data["equals"] = {"__given__": data["equals"]}
        return data

    @model_validator(mode="after")
    def _one_op(self) -> "FactTest":
        given = [op for op in self.ops()]
        if len(given) > 1:
            raise ValueError(f"fact test on {self.fact!r} has several operators {given}; use all: [...]")
        return self

    def ops(self) -> list[str]:
        out = []
        if isinstance(self.equals, dict) and "__given__" in self.equals:
            out.append("equals")
        for name in ("in_", "contains", "gt", "lt", "gte", "lte", "exists", "count"):
            if getattr(self, name) is not None:
                out.append("in" if name == "in_" else name)
        return out

    def ref(self, op: str) -> Any:
        if op == "equals":
            return self.equals["__given__"]
        return getattr(self, "in_" if op == "in" else op)

    def fact_ids(self) -> set[str]:
        return {self.fact}

    def describe(self) -> str:
        ops = self.ops()
        if not ops:
            return self.fact
        op = ops[0]
        if op == "count":
            return f"count({self.fact}) {self.count.describe()}"
        ref = self.ref(op)
        # Numbers as the rubric wrote them (`gt 0`, not `gt 0.0`); everything else as Python shows it.
        shown = f"{ref:g}" if isinstance(ref, float) else repr(ref)
        return f"{self.fact} {op} {shown}"

    def evaluate(self, facts: "FactLookup") -> tuple[Truth, list[Any]]:
        found = facts.get(self.fact)
        ops = self.ops()
        op = ops[0] if ops else None
        if op == "exists" and not facts.is_stage_missing(self.fact):
            return Truth.of(bool(found) == self.exists), found
        # A fact nobody reported is unknown, not false: collectors emit every catalog id (null
        # when undecidable), so absence means the stage did not run or did not measure it.
        if not found or facts.is_unknown(self.fact):
            return Truth.unknown, []
        if op == "count":
            n = facts.count(self.fact)
            c = self.count
            assert c is not None
            for name in ("gt", "lt", "gte", "lte", "equals"):
                ref = getattr(c, name)
                if ref is not None:
                    return Truth.of(_compare(n, name, ref)), found
        if op is None:
            hits = [f for f in found if bool(f.value)]
        else:
            hits = [f for f in found if _compare(f.value, op, self.ref(op))]
        return Truth.of(bool(hits)), hits


class AllOf(_Strict):
    all: list["Predicate"] = Field(min_length=1)

    def fact_ids(self) -> set[str]:
        return set().union(*(p.fact_ids() for p in self.all))

    def describe(self) -> str:
        return "all(" + ", ".join(p.describe() for p in self.all) + ")"

    def evaluate(self, facts: "FactLookup") -> tuple[Truth, list[Any]]:
        used: list[Any] = []
        unknown = False
        for p in self.all:
            t, ev = p.evaluate(facts)
            if t is Truth.false:
                return Truth.false, []
            unknown |= t is Truth.unknown
            used += ev
        return (Truth.unknown, used) if unknown else (Truth.true, used)


class AnyOf(_Strict):
    any: list["Predicate"] = Field(min_length=1)

    def fact_ids(self) -> set[str]:
        return set().union(*(p.fact_ids() for p in self.any))

    def describe(self) -> str:
        return "any(" + ", ".join(p.describe() for p in self.any) + ")"

    def evaluate(self, facts: "FactLookup") -> tuple[Truth, list[Any]]:
        used: list[Any] = []
        unknown = hit = False
        for p in self.any:
            t, ev = p.evaluate(facts)
            if t is Truth.true:
                hit = True
                used += ev
            unknown |= t is Truth.unknown
        if hit:
            return Truth.true, used
        return (Truth.unknown, []) if unknown else (Truth.false, [])


class NotOf(_Strict):
    not_: "Predicate" = Field(alias="not")

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    def fact_ids(self) -> set[str]:
        return self.not_.fact_ids()

    def describe(self) -> str:
        return f"not({self.not_.describe()})"

    def evaluate(self, facts: "FactLookup") -> tuple[Truth, list[Any]]:
        t, ev = self.not_.evaluate(facts)
        if t is Truth.unknown:
            return t, []
        # A negated test carries the facts it looked at: "no compose file" has none, but
        # "not(rubyllm.uses_with_instructions)" can cite where the fact was recorded false.
        return (Truth.false, []) if t is Truth.true else (Truth.true, ev)


def _discriminate(data: Any) -> str:
    if isinstance(data, dict):
        for key in ("all", "any", "not"):
            if key in data:
                return key
        return "fact"
    if isinstance(data, BaseModel):
        return {AllOf: "all", AnyOf: "any", NotOf: "not"}.get(type(data), "fact")
    return "fact"


Predicate = Annotated[
    Union[
        Annotated[AllOf, Tag("all")],
        Annotated[AnyOf, Tag("any")],
        Annotated[NotOf, Tag("not")],
        Annotated[FactTest, Tag("fact")],
    ],
    Discriminator(_discriminate),
]

for _m in (AllOf, AnyOf, NotOf):
    _m.model_rebuild()


class FactLookup:
    """What a predicate needs from the fact set (implemented in grader.scoring.factset)."""

    def get(self, fact_id: str) -> list[Any]:  # pragma: no cover - interface
        raise NotImplementedError

    def count(self, fact_id: str) -> int:  # pragma: no cover - interface
        raise NotImplementedError

    def is_unknown(self, fact_id: str) -> bool:  # pragma: no cover - interface
        raise NotImplementedError

    def is_stage_missing(self, fact_id: str) -> bool:  # pragma: no cover - interface
        raise NotImplementedError

