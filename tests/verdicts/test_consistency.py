"""No report says two things a repo cannot be at once: the cross-fact checks hold on every labelled
repo we have (fixture apps, the audit corpus, the verdict corpus), and each check can fail."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

from static_checks.engine import check_path
from static_checks.facts.consistency import CHECKS, inconsistencies
from static_checks.models import Fact

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS / "facts"))

from facts_helpers import fixture_apps  # noqa: E402

CORPUS = sorted(p for p in (TESTS / "corpus").iterdir() if p.is_dir())
VERDICTS = [TESTS / "verdicts" / a["name"] for a in
            yaml.safe_load((TESTS / "verdicts" / "labels.yaml").read_text(encoding="utf-8"))["apps"]]
APPS = sorted(p.name for p in (TESTS / "fixtures" / "apps").iterdir() if p.is_dir())


@pytest.mark.parametrize("repo", CORPUS + VERDICTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_facts_of_real_and_corpus_repos_are_consistent(repo):
    assert inconsistencies(check_path(repo, with_facts=True).facts) == []


@pytest.mark.parametrize("app", APPS)
def test_facts_of_fixture_apps_are_consistent(app, tmp_path):
    repo = fixture_apps.materialize(app, tmp_path)
    assert inconsistencies(check_path(repo, with_facts=True).facts) == []


def test_each_check_fires_on_a_contradiction_and_unknowns_never_do():
    bad = {
        "rubyllm.multi_turn": "persisted_chat", "persistence.strategy": "none", "errors.llm_calls_rescued": 2,
        "errors.llm_calls": 0, "errors.rescue_around_llm": "none", "errors.degraded_ui": True,
        "arch.service_objects": 1, "tests.reach_llm_path": True, "tests.count": 0,
        "security.unsafe_html_on_message": True, "security.unsafe_html": 0, "rubyllm.ask": True,
        "rubyllm.reads_content": False, "rubyllm.used": False, "persistence.cap": True, "persistence.ttl": False,
        "rubyllm.entry_points": [], "tools.calculator_uses_eval": True, "tools.count": 0,
    }
    facts = [Fact(id=k, value=v, rule="t") for k, v in bad.items()]
    assert len(inconsistencies(facts)) == len(CHECKS)
    assert inconsistencies([Fact(id=k, value=None, rule="t") for k in bad]) == []
