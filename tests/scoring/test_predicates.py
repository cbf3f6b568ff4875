"""The predicate language: operators, three-valued logic, evidence from the facts used."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from grader.rubric.predicates import Predicate, Truth
from grader.scoring.factset import FactSet

from scoring_helpers import fact

P = TypeAdapter(Predicate)

FACTS = FactSet([
    fact("a.bool", True, "x.rb", 3),
    fact("a.false", False),
    fact("a.int", 4, "y.rb", 9),
    fact("a.list", ["entry_class", "other"], "z.rb", 2),
    fact("a.enum", "stock", "README.md", 1),
    fact("a.null", None),
    fact("runtime.boot.ok", True),
])


def ev(spec: dict):
    return P.validate_python(spec).evaluate(FACTS)


@pytest.mark.parametrize("spec,want", [
    ({"fact": "a.bool"}, Truth.true),
    ({"fact": "a.false"}, Truth.false),
    ({"fact": "a.int", "equals": 4}, Truth.true),
    ({"fact": "a.int", "gt": 4}, Truth.false),
    ({"fact": "a.int", "gte": 4}, Truth.true),
    ({"fact": "a.int", "lt": 5}, Truth.true),
    ({"fact": "a.int", "lte": 3}, Truth.false),
    ({"fact": "a.enum", "in": ["stock", "empty"]}, Truth.true),
    ({"fact": "a.enum", "gt": 1}, Truth.false),  # ordering on a string never holds
    ({"fact": "a.list", "contains": "entry_class"}, Truth.true),
    ({"fact": "a.false", "equals": 0}, Truth.false),  # a boolean is not a number
    ({"fact": "a.false", "in": [0, "no"]}, Truth.false),
    ({"fact": "a.bool", "equals": 1}, Truth.false),
    ({"fact": "a.false", "equals": False}, Truth.true),
    ({"fact": "a.int", "in": [True, 4]}, Truth.true),
    ({"fact": "a.list", "contains": "fluent_role"}, Truth.false),
    ({"fact": "a.list", "count": {"equals": 2}}, Truth.true),
    ({"fact": "a.list", "count": {"gt": 2}}, Truth.false),
    ({"fact": "a.bool", "exists": True}, Truth.true),
    ({"fact": "never.reported", "exists": False}, Truth.true),
    ({"fact": "a.null", "equals": None}, Truth.unknown),  # null means undecided, not the value None
    ({"fact": "never.reported", "equals": False}, Truth.unknown),  # absence is never a pass
    ({"fact": "a.null"}, Truth.unknown),
])
def test_leaf_operators(spec, want):
    assert ev(spec)[0] is want


def test_kleene_all_any_not():
    unknown = {"fact": "a.null"}
    true, false = {"fact": "a.bool"}, {"fact": "a.false"}
    assert ev({"all": [true, unknown]})[0] is Truth.unknown
    assert ev({"all": [false, unknown]})[0] is Truth.false
    assert ev({"any": [true, unknown]})[0] is Truth.true
    assert ev({"any": [false, unknown]})[0] is Truth.unknown
    assert ev({"not": unknown})[0] is Truth.unknown
    assert ev({"not": false})[0] is Truth.true
    assert ev({"not": {"any": [false, false]}})[0] is Truth.true


def test_evidence_comes_from_the_facts_that_made_it_true():
    truth, used = ev({"any": [{"fact": "a.int", "gt": 1}, {"fact": "a.false"}, {"fact": "a.enum", "equals": "stock"}]})
    assert truth is Truth.true
    assert [f.id for f in used] == ["a.int", "a.enum"]


def test_a_missing_stage_makes_its_facts_unknown_even_when_reported():
    facts = FactSet([fact("runtime.boot.ok", False)], missing_stages={"runtime"})
    p = P.validate_python({"fact": "runtime.boot.ok", "equals": False})
    assert p.evaluate(facts)[0] is Truth.unknown
    assert P.validate_python({"fact": "runtime.boot.ok", "exists": True}).evaluate(facts)[0] is Truth.unknown


@pytest.mark.parametrize("bad", [
    {"fact": "x", "equals": 1, "gt": 0},
    {"fact": "x", "count": {"gt": 1, "lt": 3}},
    {"fact": "x", "matches": "re.*"},
    {"all": []},
    {"fact": ""},
])
def test_malformed_predicates_are_rejected(bad):
    with pytest.raises(ValidationError):
        P.validate_python(bad)


def test_describe_reads_like_the_yaml():
    p = P.validate_python({"all": [{"fact": "a.list", "count": {"gt": 0}}, {"not": {"fact": "b", "in": [1, 2]}}]})
    assert p.describe() == "all(count(a.list) gt 0, not(b in [1, 2]))"
    assert P.validate_python({"fact": "selfreview.contradicted_claims", "gte": 2}).describe() == \
        "selfreview.contradicted_claims gte 2"  # not `gte 2.0`
    assert P.validate_python({"fact": "a.enum", "equals": "stock"}).describe() == "a.enum equals 'stock'"
