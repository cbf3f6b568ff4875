"""Applying a correction profile inside a grade: a stage that wraps the judge stage.

It runs the judge unchanged, then rewrites its outcome: the JudgeReport gets raw_score and
calibrated_score on every mapped verdict (score becomes the calibrated one), and each
`judge.<criterion>` fact is re-derived from the calibrated verdicts with the judge's own panel rule,
so scoring counts the calibrated points. The stage detail says what was applied, or why not.
Nothing in the pipeline changes: `grader grade --calibration` passes the wrapped stage list.
"""

from __future__ import annotations

from calibration.profile import apply_profile


class CalibratedJudgeStage:
    def __init__(self, inner, profile: dict, source: str = "profile"):
        self.inner = inner
        self.profile = profile
        self.source = source
        self.name = inner.name
        self.fact_prefix = inner.fact_prefix

    def applies(self, context):
        return self.inner.applies(context)

    def run(self, context):
        from grader.judge.models import JudgeReport

        outcome = self.inner.run(context)
        if not isinstance(outcome.summary, JudgeReport) or outcome.summary.status in ("skipped", "failed"):
            note = f"calibration profile not applied: the judge gave no scores ({self.source})"
            return outcome.model_copy(update={"detail": f"{outcome.detail}; {note}" if outcome.detail else note})
        report, note = apply_profile(outcome.summary, context.rubric, self.profile)
        note = f"{note} ({self.source})"
        facts = [self._recalibrated(f, report) for f in outcome.facts]
        detail = f"{outcome.detail}; {note}" if outcome.detail else note
        report.reason = f"{report.reason}; {note}" if report.reason else note
        return outcome.model_copy(update={"summary": report, "facts": facts, "detail": detail})

    def _recalibrated(self, fact, report):
        from grader.judge.aggregate import panel_score

        crit = fact.id[len(self.fact_prefix):] if fact.id.startswith(self.fact_prefix) else None
        mine = [v for v in report.verdicts if v.criterion == crit]
        if not mine or not any(v.calibrated_score is not None for v in mine):
            return fact
        value, note = panel_score(mine)
        return fact.model_copy(update={"value": value, "note": f"calibrated: {note}"})


def calibrated_stages(stages: list, profile: dict, source: str = "profile") -> list:
    """The stage list with the judge stage wrapped."""
    return [CalibratedJudgeStage(s, profile, source) if getattr(s, "name", None) == "judge" else s for s in stages]
