"""Running the judge stage directly, as the pipeline will: a StageContext built by hand."""

from __future__ import annotations

from grader.core.stage import CancelToken, StageContext
from grader.judge import JudgeOptions, JudgeStage
from grader.rubric import load_rubric
from grader.scoring import FactSet
from static_checks.models import Evidence, Fact

MODEL = "openai/fake-judge"


def facts_v1() -> FactSet:
    return FactSet([
        Fact(id="errors.rescue_around_llm", value=True, rule="facts/errors",
             evidence=[Evidence(file="app/controllers/chats_controller.rb", line=4, snippet="rescue")]),
        Fact(id="errors.degraded_ui", value=True, rule="facts/errors"),
        Fact(id="errors.missing_key_preflight", value=False, rule="facts/errors"),
        # counting decided the README: readme_substance does not apply (its applies_when is false)
        Fact(id="readme.status", value="real", rule="facts/readme/status"),
    ], missing_stages={"runtime", "selfreview"})


def options(fake, tmp_path, **kw) -> JudgeOptions:
    base = dict(models=[MODEL], api_base=fake.base, samples=1, cache_path=tmp_path / "cache.sqlite3",
                backoff=0.01, timeout=5, retries=2, criteria=["error_ui_quality"], holistic=False)
    base.update(kw)
    return JudgeOptions(**base)


def run_stage(repo, opts, rubric="rails-rubyllm-v1", facts=None, cancel=None, progress=None):
    ctx = StageContext(repo=repo, rubric=load_rubric(rubric), facts=facts if facts is not None else facts_v1(),
                       cancel=cancel or CancelToken())
    if progress is not None:
        ctx.progress = progress
    return JudgeStage(opts).run(ctx)


def verdict(outcome, criterion="error_ui_quality"):
    return next(v for v in outcome.summary.verdicts if v.criterion == criterion)


def fact_value(outcome, criterion="error_ui_quality"):
    return next(f.value for f in outcome.facts if f.id == f"judge.{criterion}")
