"""A rule cites the facts of the condition that decided it, and a rule that did not fire is kept as
`passed` with the facts (and places) that kept its points."""

from __future__ import annotations

from scoring_helpers import fact, rubric

from grader.scoring import score
from grader.scoring.factset import FactSet

ANY_RULE = """\
deductions:
  - {id: gems, dimension: d, points: 2, reason: "wrong gem", fix: "use ruby_llm",
     when: {any: [{fact: gem.ruby_llm, equals: false}, {fact: gem.llm_alternatives, count: {gt: 0}}]}}
  - {id: guarded, dimension: d, points: 1, reason: "no server_time tool",
     when: {all: [{not: {fact: tools.count, equals: 0}}, {fact: tools.server_time, equals: false}]}}
  - {id: compose, dimension: d, points: 3, reason: "no compose file", when: {fact: compose.present, equals: false}}
"""


def _dim(facts):
    return score(rubric(ANY_RULE), FactSet(facts)).dimensions[0]


def test_a_fired_any_cites_only_the_branch_that_held():
    d = _dim([fact("gem.ruby_llm", True, "Gemfile", 3), fact("gem.llm_alternatives", ["ruby-openai"], "Gemfile", 4),
              fact("tools.count", 2, "app/tools/a.rb"), fact("tools.server_time", False),
              fact("compose.present", True, "compose.yaml")])
    gems = next(x for x in d.deductions if x.id == "gems")
    assert gems.facts == {"gem.llm_alternatives": ["ruby-openai"]}
    assert [(e.file, e.line) for e in gems.evidence] == [("Gemfile", 4)]
    assert gems.because == "count(gem.llm_alternatives) gt 0" and gems.fix == "use ruby_llm"
    # A condition that held by a test failing under `not` is cited with its value, not left out.
    guarded = next(x for x in d.deductions if x.id == "guarded")
    assert guarded.facts == {"tools.server_time": False, "tools.count": 2}
    assert guarded.because == "not tools.count equals 0; tools.server_time equals False"


def test_a_rule_that_did_not_fire_is_passed_with_what_kept_the_points():
    d = _dim([fact("gem.ruby_llm", True, "Gemfile", 3), fact("gem.llm_alternatives", []),
              fact("tools.count", 0), fact("tools.server_time", False),
              fact("compose.present", True, "compose.yaml", 1)])
    passed = {p.id: p for p in d.passed}
    assert set(passed) == {"gems", "guarded", "compose"} and not d.deductions
    assert passed["compose"].facts == {"compose.present": True}
    assert [(e.file, e.line) for e in passed["compose"].evidence] == [("compose.yaml", 1)]
    # Both branches of the any() were checked and both failed: both are cited.
    assert passed["gems"].facts == {"gem.ruby_llm": True, "gem.llm_alternatives": []}
    # Only the guard kept `guarded` from firing (no tools at all), not tools.server_time.
    assert passed["guarded"].facts == {"tools.count": 0}


def test_unknown_facts_are_neither_charged_nor_passed():
    d = _dim([fact("gem.ruby_llm", True), fact("gem.llm_alternatives", []), fact("tools.count", 1),
              fact("tools.server_time", True)])
    assert "compose" not in {p.id for p in d.passed} and "compose" in {p.id for p in d.pending}
