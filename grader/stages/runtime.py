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
        if status == "ok" and not _measured_the_app(report):
            # The run went to its end but booted, tested and gated nothing (the test image failed or was
            # skipped): never "ok", so the summary line, the reports and the leaderboard name it.
            broke = report.test_image.status.value in ("failed", "timeout")
            return StageOutcome(status="failed" if broke else "skipped", detail=_nothing_ran(report), facts=facts,
                                summary=report)
        if status == "ok":
            return StageOutcome(status="ok", facts=facts, summary=report)
        detail = report.skipped_reason or f"runtime stage {status}"
        # A run that stopped part-way keeps what it measured (its facts say which are unknown);
        # a run that measured nothing leaves every runtime fact unknown.
        return StageOutcome(status="skipped" if status == "skipped" else "partial", detail=detail, facts=facts,
                            summary=report)


MEASURED = ("ok", "failed", "timeout")  # a step that ran the app's code and has a result, good or bad


def _measured_the_app(report) -> bool:
    gates = (report.gates.rubocop, report.gates.brakeman, report.gates.bundle_audit)
    return any(step.status.value in MEASURED for step in (report.boot, report.tests, *gates))


def _nothing_ran(report) -> str:
    """One line: nothing was booted, tested or gated, and which image step stopped it (and why)."""
    said = []
    for label, step in (("test image", report.test_image), ("the repo's Dockerfile", report.build)):
        if step.status.value in ("failed", "timeout", "skipped") and step.reason:
            said.append(f"{label} {step.status.value}: {step.reason}")
    return "nothing booted, tested or gated: " + ("; ".join(said) or "no step ran")
