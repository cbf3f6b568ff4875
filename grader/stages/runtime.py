"""Runtime stage: build, boot, test and gate the repo in Docker (grader.runtime), as facts."""

from __future__ import annotations

from grader.core.stage import StageContext, StageOutcome


class RuntimeStage:
    name = "runtime"
    fact_prefix = "runtime."

    def applies(self, context: StageContext) -> str | None:
        return None

    def run(self, context: StageContext) -> StageOutcome:
        import grader.runtime as runtime  # looked up at run time: docker loads only when this runs
        from grader.runtime import outcome

        options = context.options
        opts = getattr(options, "runtime_options", None) or runtime.RuntimeOptions(
            base_image=getattr(options, "base_image", None))
        report = runtime.run_runtime(context.repo, opts, cancel=context.cancel, progress=context.progress)
        facts = runtime.runtime_facts(report)
        status = report.status.value
        if status == "ok" and not outcome.measured_the_app(report):
            # The run went to its end but booted, tested and gated nothing (the test image failed or was
            # skipped): never "ok", so the summary line, the reports and the leaderboard name it.
            return StageOutcome(status="failed" if outcome.image_broke(report) else "skipped",
                                detail=outcome.nothing_ran_reason(report), facts=facts, summary=report)
        if status == "ok":
            return StageOutcome(status="ok", facts=facts, summary=report)
        detail = report.skipped_reason or f"runtime stage {status}"
        # A run that stopped part-way keeps what it measured (its facts say which are unknown);
        # a run that measured nothing leaves every runtime fact unknown.
        return StageOutcome(status="skipped" if status == "skipped" else "partial", detail=detail, facts=facts,
                            summary=report)
