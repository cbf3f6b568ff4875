"""The labelled corpus through the real engine: no label missed, precision and recall thresholds."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _bench():
    spec = importlib.util.spec_from_file_location("audit_accuracy", ROOT / "bench" / "audit_accuracy.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules["audit_accuracy"] = mod  # dataclasses resolve annotations through sys.modules
    spec.loader.exec_module(mod)
    return mod


def test_corpus_precision_recall_and_no_missed_label():
    bench = _bench()
    assert len(bench.cases()) >= 8
    score = bench.score()
    assert score.missed == [], f"expected findings not reported: {score.missed}"
    assert score.precision() >= 0.98, f"false positives: {score.false_pos}"
    assert score.recall() >= 0.95


def test_every_rule_is_exercised_by_the_corpus():
    from static_checks.rules import rule_ids

    bench = _bench()
    labelled = {rule for case in bench.cases() for (_c, _f, _l, rule) in bench.load_labels(case)}
    assert set(rule_ids()) <= labelled, f"rules without corpus labels: {set(rule_ids()) - labelled}"
