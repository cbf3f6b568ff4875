"""The pipeline as a list of Stage objects: what each stage hands on, how a stage that did not
run is recorded, per-job cancellation and progress events."""

from __future__ import annotations

import sys

from grader.core.stage import ProgressEvent, Stage, StageContext, StageOutcome
from grader.judge.models import JudgeReport
from grader.pipeline import GradeOptions, grade_path
from grader.rubric import load_rubric
from grader.stages import RuntimeStage, SelfReviewStage, StaticStage, default_stages
from grader.stages.judge import NOT_BUILT, JudgeUnavailable, judge_stage


def test_default_stages_follow_the_rubric():
    v1 = [s.name for s in default_stages(load_rubric("rails-rubyllm-v1"))]
    v2 = [s.name for s in default_stages(load_rubric("rails-rubyllm-v2"))]
    assert v1 == ["static", "runtime", "judge"] and v2 == ["static", "runtime", "self_review", "judge"]
    for stage in default_stages(load_rubric("rails-rubyllm-v2")):
        assert isinstance(stage, Stage)


def test_the_judge_slot_says_not_built_and_leaves_its_points_pending(graded, monkeypatch):
    monkeypatch.setitem(sys.modules, "grader.judge.stage", None)  # as before grader.judge.stage existed
    assert isinstance(judge_stage(), JudgeUnavailable)
    report = grade_path(graded.repo("good_app"), "rails-rubyllm-v1", GradeOptions(runtime=False))
    judge = report.stage("judge")
    assert (judge.status, judge.detail) == ("skipped", NOT_BUILT) and report.judge is None
    assert any(p.source == "judge" for d in report.dimensions for p in d.pending)


def test_the_real_judge_stage_without_a_model_is_skipped_with_its_report(graded, monkeypatch):
    from grader.judge.stage import JudgeStage

    monkeypatch.setenv("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    for key in ("OPENROUTER_API_KEY", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GRADER_JUDGE_MODELS"):
        monkeypatch.delenv(key, raising=False)
    assert isinstance(judge_stage(), JudgeStage)
    report = grade_path(graded.repo("good_app"), "rails-rubyllm-v1", GradeOptions(runtime=False))
    assert report.stage("judge").status == "skipped" and report.judge is not None
    assert report.judge.status == "skipped" and report.judge.reason == report.stage("judge").detail
    assert any(p.source == "judge" for d in report.dimensions for p in d.pending)


class _FakeJudge:
    """A judge stage as grader.judge will provide one: facts under judge., a JudgeReport summary."""

    name, fact_prefix = "judge", "judge."

    def applies(self, context):
        return None

    def run(self, context):
        return StageOutcome(status="ok", summary=JudgeReport(status="ok", models=["m"], calls=2))


def test_a_judge_stage_in_the_options_runs_and_its_report_is_stored(graded):
    options = GradeOptions(runtime=False, stages=[StaticStage(), RuntimeStage(), _FakeJudge()])
    report = grade_path(graded.repo("good_app"), "rails-rubyllm-v1", options)
    assert report.stage("judge").status == "ok"
    assert report.judge is not None and report.judge.calls == 2 and report.judge.models == ["m"]
    off = grade_path(graded.repo("good_app"), "rails-rubyllm-v1", GradeOptions(runtime=False, judge=False,
                                                                               stages=[StaticStage(), _FakeJudge()]))
    assert off.stage("judge").status == "skipped" and off.judge is None


class _Idle:
    name, fact_prefix = "idle", "idle."

    def applies(self, context):
        return None

    def run(self, context):
        return StageOutcome(status="ok")


def test_a_stage_that_ran_nothing_is_never_ok(tmp_path):
    report = grade_path(tmp_path, "rails-rubyllm-v1", GradeOptions(runtime=False, stages=[StaticStage(), _Idle()]))
    assert report.stage("idle").status == "not_applicable"


class _CancelsTheJob:
    name, fact_prefix = "canceller", "canceller."

    def applies(self, context):
        return None

    def run(self, context: StageContext):
        context.cancel.cancel("user pressed stop")
        context.cancel.raise_if_cancelled()


def test_cancelling_a_job_stops_it_between_stages_and_marks_what_did_not_run(graded):
    events: list[ProgressEvent] = []
    options = GradeOptions(runtime=False, stages=[StaticStage(), _CancelsTheJob(), SelfReviewStage()])
    report = grade_path(graded.repo("good_app"), "rails-rubyllm-v2", options, progress=events.append)
    assert report.stage("canceller").status == "failed" and "user pressed stop" in report.stage("canceller").detail
    review = report.stage("self_review")
    assert review.status == "skipped" and "cancelled" in review.detail
    dim = next(d for d in report.dimensions if d.id == "self_review")
    assert dim.score == 0 and dim.pending_points == dim.max  # unknown, not lost
    assert [(e.stage, e.state) for e in events if e.step == "stage"] == [
        ("static", "started"), ("static", "finished"), ("canceller", "started"), ("canceller", "failed"),
        ("self_review", "started"), ("self_review", "skipped")]


def test_a_failed_fact_pass_is_a_partial_static_stage_with_its_own_row(graded, monkeypatch):
    import static_checks.facts.registry as registry

    def boom(*_a, **_k):
        raise RuntimeError("collector exploded")

    monkeypatch.setattr(registry, "collectors", boom)
    events: list[ProgressEvent] = []
    report = grade_path(graded.repo("rubyllm_client"), "rails-rubyllm-v1", GradeOptions(runtime=False),
                        progress=events.append)
    assert [(s.name, s.status) for s in report.stages][:2] == [("static", "ok"), ("facts", "failed")]
    assert any(e.step == "findings without facts" for e in events)
    assert report.static is not None and report.static.files_analyzed > 0


def test_judge_unavailable_reason_is_reported():
    stage = JudgeUnavailable("judge stage unavailable (no litellm)")
    assert stage.applies(None) == "judge stage unavailable (no litellm)"
