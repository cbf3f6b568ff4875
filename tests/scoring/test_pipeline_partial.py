"""A stage that breaks is a marked partial result: its facts become unknown and their points
pending, findings from the other stages are kept, and nothing reads as a pass or a silent zero.

Faults are injected by making a real stage function raise (the stages themselves are real)."""

from __future__ import annotations

import pytest

from grader.pipeline import GradeOptions, grade_path


def _boom(*_a, **_k):
    raise RuntimeError("collector exploded")


def test_fact_collection_failure_keeps_findings_and_leaves_static_points_pending(graded, monkeypatch):
    import static_checks.facts.registry as registry

    monkeypatch.setattr(registry, "collectors", _boom)
    report = grade_path(graded.repo("rubyllm_client"), "rails-rubyllm-v1", GradeOptions(runtime=False))
    stages = {s.name: s for s in report.stages}
    assert stages["facts"].status == "failed" and "collector exploded" in stages["facts"].detail
    assert stages["static"].status == "ok"
    assert any(f.category.value == "api-hallucination" for f in report.findings)  # findings survived
    assert report.facts == []
    # Every deterministic rule is undecided: nothing deducted, nothing earned on facts.
    assert all(not d.deductions for d in report.dimensions)
    assert report.total == 0 and report.pending_points == 100 and report.tier_best_case == "A"
    assert report.arithmetic_check.ok


def test_runtime_crash_is_recorded_and_its_rules_stay_pending(graded, monkeypatch):
    import grader.runtime as runtime

    monkeypatch.setattr(runtime, "run_runtime", _boom)
    report = grade_path(graded.repo("good_app"), "rails-rubyllm-v1", GradeOptions(runtime=True))
    stage = report.stage("runtime")
    assert stage.status == "failed" and "collector exploded" in stage.detail
    assert report.runtime.status == "skipped" and "collector exploded" in report.runtime.skipped_reason
    pending = {p.id for d in report.dimensions for p in d.pending}
    assert "validation_phase_failed" in pending
    assert report.total == 87  # the static part is unaffected


def test_self_review_failure_leaves_fidelity_pending(graded, monkeypatch):
    import grader.selfreview as selfreview

    monkeypatch.setattr(selfreview, "review_facts", _boom)
    report = grade_path(graded.repo("good_app"), "rails-rubyllm-v2", GradeOptions(runtime=False))
    assert report.stage("self_review").status == "failed"
    dim = next(d for d in report.dimensions if d.id == "self_review")
    assert (dim.score, dim.pending_points, dim.lost_points) == (0, 15, 0)


@pytest.mark.parametrize("rubric", ["rails-rubyllm-v1", "rails-rubyllm-v2"])
def test_empty_folder_grades_without_crashing(tmp_path, rubric):
    report = grade_path(tmp_path, rubric, GradeOptions(runtime=False))
    assert report.arithmetic_check.ok
    assert [s.status for s in report.stages if s.name in ("static", "facts")] == ["ok", "ok"]
