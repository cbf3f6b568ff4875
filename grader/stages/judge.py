"""The judge slot. grader.judge.stage.JudgeStage, once it exists, is used as it is (it reads its
settings from `context.options.judge_options`); until then a placeholder says the stage is not
built, so judge criteria stay pending (never earned or lost)."""

from __future__ import annotations

from grader.core.stage import Stage, StageContext, StageOutcome

NOT_BUILT = "the LLM judge stage is not built yet: judge criteria pending"


class JudgeUnavailable:
    """Stands in for the judge when it cannot run at all; its criteria stay pending."""

    name = "judge"
    fact_prefix = "judge."

    def __init__(self, reason: str = NOT_BUILT) -> None:
        self.reason = reason

    def applies(self, context: StageContext) -> str | None:
        return self.reason

    def run(self, context: StageContext) -> StageOutcome:
        return StageOutcome(status="skipped", detail=self.reason)


def judge_stage() -> Stage:
    try:
        from grader.judge.stage import JudgeStage  # type: ignore[import-not-found]
    except ImportError as exc:
        if exc.name in ("grader.judge.stage", "grader.judge"):
            return JudgeUnavailable()
        # Built but missing a dependency (e.g. the `judge` extra): say so, never "not built".
        return JudgeUnavailable(f"judge stage unavailable ({exc}): pip install -e '.[judge]'; judge criteria pending")
    return JudgeStage()
