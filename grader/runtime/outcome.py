"""The status of a runtime run that reached its end: one rule, applied by run_runtime itself.

A run can reach its end with every container call done and still have booted, tested and gated
nothing (the test image failed, or could not be attempted). That is never an `ok` run: it is
`failed` when the test image broke, else `skipped` (its points stay pending), with the reason."""

from __future__ import annotations

from grader.runtime.models import RuntimeReport, Step, StepStatus

_STOPPED = (StepStatus.failed, StepStatus.timeout, StepStatus.skipped, StepStatus.not_applicable)
_BROKE = (StepStatus.failed, StepStatus.timeout)


def settle(report: RuntimeReport) -> None:
    """Turn an `ok` run that measured nothing into `failed` or `skipped`, saying why in skipped_reason."""
    if report.status is not StepStatus.ok or report.measured_the_app():
        return
    report.status = StepStatus.failed if report.test_image.status in _BROKE else StepStatus.skipped
    report.skipped_reason = nothing_ran_reason(report)


def nothing_ran_reason(report: RuntimeReport, why: bool = True) -> str:
    """One line: nothing was booted, tested or gated, and which image step stopped it (and, with `why`, its
    reason: a report whose step table sits below leaves it out). The repo's Dockerfile is named only when its
    build broke: a Dockerfile that is absent or was refused offline is no cause (boot, tests and gates run in
    the test image), and the step table shows it anyway."""
    said = (_said("test image", report.test_image, _STOPPED, why)
            + _said("the repo's Dockerfile", report.build, _BROKE, why))
    return "nothing booted, tested or gated: " + ("; ".join(said) or "no step ran")


def _said(label: str, step: Step, statuses: tuple[StepStatus, ...], why: bool) -> list[str]:
    if step.status not in statuses:
        return []
    return [f"{label} {step.status.value.replace('_', ' ')}" + (f": {step.reason}" if why and step.reason else "")]
