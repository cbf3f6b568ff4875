"""The grading stages as objects (grader.core.stage.Stage): static, runtime, self-review, judge.

`default_stages` is the list a grade runs, in order; a caller (the service, a test) may pass its
own list in `GradeOptions.stages`. Each stage reads only what earlier stages handed on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from grader.stages.judge import judge_stage
from grader.stages.runtime import RuntimeStage
from grader.stages.self_review import SelfReviewStage
from grader.stages.static import StaticStage, StaticStageSummary

if TYPE_CHECKING:
    from grader.core.stage import Stage
    from grader.rubric import Rubric

__all__ = ["RuntimeStage", "SelfReviewStage", "StaticStage", "StaticStageSummary", "default_stages", "fact_stage"]


def default_stages(rubric: Rubric) -> list[Stage]:
    """Static, runtime, self-review (only for rubrics that declare goals: others have no such
    dimension), then the judge (a placeholder until grader.judge.stage exists)."""
    stages: list[Stage] = [StaticStage(), RuntimeStage()]
    if rubric.goals:
        stages.append(SelfReviewStage())
    stages.append(judge_stage())
    return stages


def fact_stage(stage: Stage) -> str:
    """The key scoring uses for a stage's facts ('static', 'runtime', 'selfreview', 'judge')."""
    return stage.fact_prefix.rstrip(".") or "static"
