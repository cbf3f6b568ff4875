"""Every rule carries its own docs, and its bad/good examples are true of the real engine."""

from __future__ import annotations

import pytest

from annotated import read_sources, run_sources
from static_checks.rules import absence_rule_ids, all_rules, get_rule
from static_checks.rules.base import Proof

RULES = all_rules()


def test_rules_are_discovered_from_the_package():
    ids = [r.id for r in RULES]
    assert len(ids) == 16 and len(set(ids)) == 16
    assert "rubyllm/unknown-method" in ids and "rubyllm/bypass" in ids
    assert get_rule("rubyllm/unknown-method").proof is Proof.absence
    assert get_rule("rubyllm/nope") is None


def test_absence_rules_are_the_ones_whose_proof_is_absence():
    assert absence_rule_ids() == {
        "rubyllm/unknown-constant", "rubyllm/unknown-method", "rubyllm/version-mismatch",
        "rubyllm/unknown-config-option", "rubyllm/stub-unknown-method", "rubyllm/schema-dsl",
        "rubyllm/fake-mismatch", "rubyllm/invented-value-use",
    }


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_rule_docs_are_filled_in(rule):
    assert rule.id.startswith("rubyllm/")
    for text in (rule.summary, rule.why, rule.bad, rule.good):
        assert text.strip() and text == text.strip("\n")
    assert rule.bad != rule.good
    assert rule.proof.meaning


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_bad_example_is_reported_and_good_example_is_not(rule, tmp_path):
    report = run_sources(tmp_path / "bad", read_sources(rule.bad))
    assert rule.id in {f.rule for f in report.findings}, f"{rule.id}: its bad example is not reported"
    report = run_sources(tmp_path / "good", read_sources(rule.good))
    assert [f for f in report.findings if f.rule == rule.id] == [], f"{rule.id}: its good example is reported"
