"""Anchored exemplars: balanced, never the graded item, excerpts read safely and redacted."""

import pytest
from calib_helpers import EXAMPLE_SET

from calibration.exemplars import build_exemplars, exemplars_by_criterion
from calibration.sets import validate_set


@pytest.fixture(scope="module")
def example():
    cset, rows, _ = validate_set(EXAMPLE_SET)
    return cset, rows, cset.rubric()


def test_exemplars_are_balanced_with_excerpt_score_and_reason(example):
    cset, rows, rubric = example
    got = build_exemplars(cset, rows, rubric, "persistence_design")
    assert sorted(e.item for e in got) == ["run01", "run02", "run04"]
    assert sorted(e.score for e in got) == [0, 1, 2]  # one per level
    run02 = next(e for e in got if e.item == "run02")
    assert run02.max == 2 and "class variable" in run02.reason
    assert "   1  # SYNTHETIC" in run02.excerpt and "@@conversations" in run02.excerpt
    assert run02.end_line == 12


def test_the_graded_item_is_never_an_exemplar(example):
    cset, rows, rubric = example
    by_id = build_exemplars(cset, rows, rubric, "persistence_design", exclude_item="run02")
    assert "run02" not in [e.item for e in by_id]
    by_repo = build_exemplars(cset, rows, rubric, "persistence_design",
                              exclude_repo=EXAMPLE_SET / "repos" / "run04")
    assert "run04" not in [e.item for e in by_repo]
    assert len(by_repo) == 2


def test_limit_keeps_the_extremes_and_order_is_seeded(example):
    cset, rows, rubric = example
    two = build_exemplars(cset, rows, rubric, "persistence_design", limit=2)
    assert sorted(e.score for e in two) == [0, 2]
    orders = {tuple(e.item for e in build_exemplars(cset, rows, rubric, "persistence_design", seed=s))
              for s in range(8)}
    assert len(orders) > 1  # shuffled, not always ascending
    assert build_exemplars(cset, rows, rubric, "persistence_design", seed=5) == \
        build_exemplars(cset, rows, rubric, "persistence_design", seed=5)


def test_hostile_excerpt_paths_are_refused(example, tmp_path):
    import shutil

    cset_dir = tmp_path / "set"
    shutil.copytree(EXAMPLE_SET, cset_dir)
    text = (cset_dir / "set.yaml").read_text()
    text = text.replace("file: app/services/conversation_store.rb, lines: [1, 14]",
                        "file: ../../../../etc/passwd, lines: [1, 5]")
    (cset_dir / "set.yaml").write_text(text)
    (cset_dir / "repos" / "run02" / "app" / "services" / "conversation_store.rb").unlink()
    (cset_dir / "repos" / "run02" / "app" / "services" / "conversation_store.rb").symlink_to("/etc/hostname")
    cset, rows, _ = validate_set(cset_dir)
    got = build_exemplars(cset, rows, cset.rubric(), "persistence_design")
    assert [e.item for e in got] == ["run04"]


def test_by_criterion_for_a_prompt(example):
    _, _, rubric = example
    got = exemplars_by_criterion(EXAMPLE_SET, rubric, exclude_repo=EXAMPLE_SET / "repos" / "run01")
    assert set(got) == {"persistence_design", "error_ui_quality"}
    assert [e["item"] for e in got["error_ui_quality"]] == ["run02"]
    assert {"excerpt", "score", "max", "reason", "file", "start_line", "end_line"} <= set(got["error_ui_quality"][0])
    with pytest.raises(ValueError, match="unknown criterion"):
        build_exemplars(*validate_set(EXAMPLE_SET)[:2], rubric, "nope")
