"""The held-out set (tests/verdicts/heldout.yaml) is measured by bench/verdict_accuracy.py --heldout
against real repos; here only its shape: labels name catalogued facts with a value of their type,
each app is pinned and carries a hand range for both rubrics."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
DATA = yaml.safe_load((ROOT / "tests" / "verdicts" / "heldout.yaml").read_text(encoding="utf-8"))
CATALOG = {f["id"]: f for f in yaml.safe_load(
    (ROOT / "static_checks" / "facts" / "catalog.yaml").read_text(encoding="utf-8"))["facts"]}
PY_TYPES = {"bool": bool, "int": int, "str": str, "list": list}


def _labels():
    for lb in DATA["shared"]:
        yield "shared", lb
    for app in DATA["apps"]:
        for lb in app["labels"]:
            yield app["name"], lb


def test_every_label_names_a_catalogued_fact_with_a_value_of_its_type():
    for where, lb in _labels():
        spec = CATALOG.get(lb["fact"])
        assert spec is not None, f"{where}: {lb['fact']} is not in the fact catalog"
        assert ("expected" in lb) != ("expected_gt" in lb), f"{where}: {lb['fact']} needs one of expected/expected_gt"
        if "expected_gt" in lb:
            assert spec["type"] in ("int", "list"), f"{where}: {lb['fact']} is no count"
            continue
        value = lb["expected"]
        if spec["type"] == "enum":
            assert value in spec["values"], f"{where}: {lb['fact']} = {value!r} is none of {spec['values']}"
        elif value is not None:
            assert isinstance(value, PY_TYPES[spec["type"]]), f"{where}: {lb['fact']} = {value!r}"
        assert lb.get("why"), f"{where}: {lb['fact']} says why"


def test_every_app_is_pinned_dated_and_has_a_hand_range_per_rubric():
    names = [a["name"] for a in DATA["apps"]]
    assert len(names) == len(set(names))
    for app in DATA["apps"]:
        assert re.fullmatch(r"[0-9a-f]{40}", app["commit"]) and "/" in app["repo"]
        assert re.match(r"\d{4}-\d{2}-\d{2}T", app["date"])
        for rubric in ("rails-rubyllm-v1", "rails-rubyllm-v2"):
            lo, hi = app["hand_totals"][rubric]
            assert 0 <= lo <= hi <= 100, f"{app['name']} {rubric}: [{lo}, {hi}]"
