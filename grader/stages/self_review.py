"""Self-review stage: SELF_REVIEW.md read and checked claim by claim against earlier facts."""

from __future__ import annotations

from grader.core.stage import StageContext, StageOutcome


class SelfReviewStage:
    name = "self_review"
    fact_prefix = "selfreview."

    def applies(self, context: StageContext) -> str | None:
        return None if context.rubric.goals else f"rubric {context.rubric.id} declares no goals to check claims against"

    def run(self, context: StageContext) -> StageOutcome:
        from grader import selfreview  # looked up at run time (tests inject faults here)

        fidelity, facts = selfreview.review_facts(context.repo, context.rubric, context.facts)
        return StageOutcome(status="ok", facts=facts, summary=fidelity)
