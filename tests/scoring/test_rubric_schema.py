"""Rubric files: the shipped ones validate; broken ones are rejected with the YAML line."""

from __future__ import annotations

import pytest

from grader.rubric import RubricError, available_rubrics, load_rubric, parse_rubric
from grader.rubric.catalogs import known_fact_ids

GOOD = """\
schema_version: 1
id: tiny
title: Tiny
dimensions:
  - {id: docs, title: Docs, max: 10}
tiers:
  - {name: A, min: 8}
  - {name: B, min: 0}
deductions:
  - id: no_readme
    dimension: docs
    points: 4
    reason: no README
    when: {fact: readme.status, in: [missing, stock]}
"""


@pytest.mark.parametrize("name", ["rails-rubyllm-v1", "rails-rubyllm-v2"])
def test_shipped_rubrics_load_total_100_and_use_only_catalogued_facts(name):
    r = load_rubric(name)
    assert r.max_total == 100
    known, unread = known_fact_ids()
    assert unread == []
    assert sorted(i for i in r.fact_ids() if i not in known) == []


def test_shipped_rubric_tiers_match_the_benchmark():
    v1, v2 = load_rubric("rails-rubyllm-v1"), load_rubric("rails-rubyllm-v2")
    assert [(t.name, t.min) for t in v1.tiers] == [("A", 80), ("B", 60), ("C", 40), ("D", 0)]
    assert [(t.name, t.min) for t in v2.tiers] == [("A", 83), ("B", 73), ("C", 51), ("D", 0)]
    assert {d.id: d.max for d in v2.dimensions}["self_review"] == 15
    assert [g.id for g in v2.goals] == [f"G{i}" for i in range(1, 15)]


def test_available_rubrics_lists_both():
    assert {"rails-rubyllm-v1", "rails-rubyllm-v2"} <= set(available_rubrics())


def test_good_rubric_from_a_file_path(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(GOOD)
    r = load_rubric(str(path))
    assert r.id == "tiny" and r.max_total == 10 and r.tier_for(8) == "A" and r.tier_for(7.99) == "B"


def _problems(text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(RubricError) as info:
        parse_rubric(text, "bad.yaml")
    return info.value.problems


def test_unknown_dimension_names_the_line_of_the_dimension_field():
    text = GOOD.replace("    dimension: docs\n", "    dimension: doks\n")
    (line, msg), = _problems(text)
    assert line == 11 and "unknown dimension 'doks'" in msg


def test_points_and_cap_together_is_rejected_at_the_deduction():
    text = GOOD.replace("    points: 4\n", "    points: 4\n    cap: 2\n")
    (line, msg), = _problems(text)
    assert line == 10 and "exactly one of points, cap, floor" in msg  # the deduction's first line


def test_predicate_with_two_operators_names_its_line():
    text = GOOD.replace("when: {fact: readme.status, in: [missing, stock]}",
                        "when: {fact: readme.status, equals: x, gt: 1}")
    problems = _problems(text)
    assert any(line == 14 and "several operators" in msg for line, msg in problems), problems


def test_unknown_key_is_reported_on_its_line():
    text = GOOD.replace("    reason: no README\n", "    reason: no README\n    pionts: 3\n")
    problems = _problems(text)
    assert any(line == 14 and "pionts" in msg for line, msg in problems), problems


def test_points_above_the_dimension_max_and_tiers_out_of_order():
    text = GOOD.replace("points: 4", "points: 40").replace("  - {name: A, min: 8}\n  - {name: B, min: 0}\n",
                                                          "  - {name: B, min: 0}\n  - {name: A, min: 8}\n")
    problems = _problems(text)
    msgs = " / ".join(m for _, m in problems)
    assert "exceeds dimension 'docs' max 10" in msgs
    assert "highest threshold down" in msgs
    assert any(line == 12 and "exceeds" in m for line, m in problems)


def test_yaml_syntax_error_names_its_line():
    text = GOOD.replace("    reason: no README\n", "    reason: no: README: [\n")
    (line, msg), = _problems(text)
    assert line == 13 and msg.startswith("YAML syntax")


def test_duplicate_keys_are_an_error_not_a_silent_overwrite():
    text = GOOD.replace("    points: 4\n", "    points: 4\n    points: 5\n")
    (line, msg), = _problems(text)
    assert line == 13 and "duplicate key 'points'" in msg


def test_unknown_named_rubric_lists_the_known_ones():
    with pytest.raises(RubricError) as info:
        load_rubric("rails-rubyllm-v9")
    assert "rails-rubyllm-v1" in str(info.value)


def test_lowest_tier_must_start_at_zero():
    text = GOOD.replace("{name: B, min: 0}", "{name: B, min: 3}")
    (line, msg), = _problems(text)
    assert line == 8 and "start at 0" in msg


def test_the_readme_example_is_a_valid_rubric():
    from pathlib import Path

    text = (Path(__file__).parents[2] / "rubric" / "README.md").read_text()
    block = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    r = parse_rubric(block, "README example")
    assert r.id == "my-rubric" and r.max_total == 35 and [d.kind for d in r.deductions] == ["points", "points", "cap"]
