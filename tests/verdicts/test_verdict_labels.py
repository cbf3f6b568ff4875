"""Every hand label of the verdict corpus (tests/verdicts/labels.yaml) holds: the facts that award
or deduct points on five real apps agree with a reading of their code."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DATA = yaml.safe_load((ROOT / "tests" / "verdicts" / "labels.yaml").read_text(encoding="utf-8"))
CASES = [(app, lb) for app in DATA["apps"] for lb in app["labels"]]


def _bench():
    spec = importlib.util.spec_from_file_location("verdict_accuracy", ROOT / "bench" / "verdict_accuracy.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    from static_checks.engine import check_path

    bench = _bench()
    root = tmp_path_factory.mktemp("verdicts")
    facts = {}
    for app in DATA["apps"]:
        repo = bench.materialize(app, root / app["name"])
        facts[app["name"]] = {f.id: f for f in check_path(repo, with_facts=True).facts}
    return facts, bench


@pytest.mark.parametrize("app,label", CASES, ids=[f"{a['name']}:{lb['fact']}" for a, lb in CASES])
def test_label_holds(collected, app, label):
    if label.get("open"):
        pytest.skip(f"known open: {label['open']}")
    facts, bench = collected
    got = facts[app["name"]][label["fact"]].value
    assert bench.matches(label, got), f"{label['fact']} = {got!r}; hand label: {label.get('expected')} ({label['why']})"
