"""Whether a runtime run measured the app at all: one answer for the grade stage and `runtime run`.

A run can reach its end with every step done and still have booted, tested and gated nothing (the
repo's Dockerfile and the test image both failed); that is never a run that "ran"."""

from __future__ import annotations

MEASURED = ("ok", "failed", "timeout")  # a step that ran the app's code and has a result, good or bad


def measured_the_app(report) -> bool:
    gates = (report.gates.rubocop, report.gates.brakeman, report.gates.bundle_audit)
    return any(step.status.value in MEASURED for step in (report.boot, report.tests, *gates))


def image_broke(report) -> bool:
    """The test image was attempted and failed (as opposed to skipped): the stage failed."""
    return report.test_image.status.value in ("failed", "timeout")


def nothing_ran_reason(report) -> str:
    """One line: nothing was booted, tested or gated, and which image step stopped it (and why)."""
    said = []
    for label, step in (("test image", report.test_image), ("the repo's Dockerfile", report.build)):
        if step.status.value in ("failed", "timeout", "skipped") and step.reason:
            said.append(f"{label} {step.status.value}: {step.reason}")
    return "nothing booted, tested or gated: " + ("; ".join(said) or "no step ran")
