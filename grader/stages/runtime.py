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

        options = context.options
        opts = getattr(options, "runtime_options", None) or runtime.RuntimeOptions(
            base_image=getattr(options, "base_image", None))
        report = runtime.run_runtime(context.repo, opts, cancel=context.cancel, progress=context.progress)
        facts = runtime.runtime_facts(report)
        status = report.status.value
        if status in ("ok", "skipped"):
            return StageOutcome(status=status, detail=report.skipped_reason, facts=facts, summary=report)
        # failed or timeout: a run that stopped part-way keeps what it measured (its facts say which are
        # unknown); one that measured nothing failed.
        return StageOutcome(status="partial" if report.measured_the_app() else "failed",
                            detail=report.skipped_reason or f"runtime stage {status}", facts=facts, summary=report)
