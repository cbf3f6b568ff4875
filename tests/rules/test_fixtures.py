"""Every annotated line of every fixture under fixtures/ produces exactly the findings it expects.

A fixture is Ruby with `# expect: RULE-ID` (or `# ok`) annotations, read by tests/rules/annotated.py.
The fully rendered findings of each fixture (message, proof, hint, in the text format) are kept as
snapshots under snapshots/; regenerate them with `UPDATE_RULE_SNAPSHOTS=1 pytest tests/rules`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from annotated import expectations, found_by_line, read_sources, run_sources
from static_checks.output.text import to_text
from static_checks.rules import rule_ids

HERE = Path(__file__).parent
FIXTURES = sorted((HERE / "fixtures").glob("*.rb"))
SNAPSHOTS = HERE / "snapshots"
UPDATE = os.environ.get("UPDATE_RULE_SNAPSHOTS") == "1"


def _expected(sources) -> dict[tuple[str, int], list[str]]:
    out: dict[tuple[str, int], list[str]] = {}
    for src in sources:
        out.update(expectations(src))
    return out


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda p: p.stem)
def test_fixture_lines_produce_exactly_the_expected_findings(fixture, tmp_path):
    sources = read_sources(fixture.read_text(encoding="utf-8"))
    report = run_sources(tmp_path, sources)
    mine = {s.rel for s in sources}
    found = {k: v for k, v in found_by_line(report).items() if k[0] in mine}
    expected = _expected(sources)
    missing = {k: v for k, v in expected.items() if found.get(k) != v}
    extra = {k: v for k, v in found.items() if k not in expected}
    assert (missing, extra) == ({}, {}), f"{fixture.name}: expected lines not matched / unexpected findings"
    rendered = to_text(report)
    snap = SNAPSHOTS / f"{fixture.stem}.txt"
    if UPDATE or not snap.exists():
        snap.parent.mkdir(exist_ok=True)
        snap.write_text(rendered, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"snapshot {snap.name} was missing and has been written: check it in")
    assert rendered == snap.read_text(encoding="utf-8"), f"{snap.name} differs (UPDATE_RULE_SNAPSHOTS=1 to accept)"


def test_every_rule_has_a_fixture_that_expects_it():
    expected = set()
    for fixture in FIXTURES:
        for ids in _expected(read_sources(fixture.read_text(encoding="utf-8"))).values():
            expected.update(ids)
    assert set(rule_ids()) <= expected, f"rules with no fixture line: {set(rule_ids()) - expected}"


def test_annotations_are_read_as_documented():
    src = read_sources("# file: app/x.rb\n# expect: a/b\nfoo\nbar # expect: c/d, a/b\nbaz # ok: fine\n")[0]
    assert src.rel == "app/x.rb"
    assert expectations(src) == {("app/x.rb", 3): ["a/b"], ("app/x.rb", 4): ["a/b", "c/d"]}
