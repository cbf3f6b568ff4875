"""The status run_runtime settles on once its steps ended (grader/runtime/outcome.py): a run that booted,
tested and gated nothing is never `ok`. Reports filled as run_runtime fills them for each case; the docker
tests check run_runtime reaches them on a real engine."""

from __future__ import annotations

import pytest

from grader.runtime.models import RuntimeReport, StepStatus
from grader.runtime.outcome import settle

NO_PROFILE = "no runtime profile matches this repo (config/application.rb or config.ru)"
NO_BASE = "base image grader-no-such:1 not present locally: pass --base-image IMAGE (or --build-network to pull)"


def _ended(test_image: StepStatus, reason: str, build: StepStatus = StepStatus.skipped,
           build_reason: str = "no Dockerfile in app (or it points outside the repo)") -> RuntimeReport:
    report = RuntimeReport(status=StepStatus.ok, engine="docker 20.10.24 (API 1.41)")
    report.test_image.status, report.test_image.reason = test_image, reason
    report.build.status, report.build.reason = build, build_reason
    if test_image is not StepStatus.ok:
        g = report.gates
        for step in (report.boot, report.tests, g.rubocop, g.brakeman, g.bundle_audit):
            step.status, step.reason = StepStatus.not_applicable, "test image not built"
    return report


@pytest.mark.parametrize(("test_image", "reason", "status"), [
    (StepStatus.failed, "bundle install returned 17", StepStatus.failed),
    (StepStatus.timeout, "build timed out after 600 s", StepStatus.failed),
    (StepStatus.skipped, NO_BASE, StepStatus.skipped),
    (StepStatus.not_applicable, NO_PROFILE, StepStatus.skipped),
])
def test_a_run_that_measured_nothing_is_failed_or_skipped_with_the_reason(test_image, reason, status):
    report = _ended(test_image, reason)
    settle(report)
    assert report.status is status
    said = test_image.value.replace("_", " ")
    # A Dockerfile that is absent is no cause: only the test image is named.
    assert report.skipped_reason == f"nothing booted, tested or gated: test image {said}: {reason}"
    assert not report.measured_the_app()


def test_a_broken_repo_dockerfile_is_named_beside_the_test_image():
    report = _ended(StepStatus.failed, "bundle install returned 17", StepStatus.failed, "pull access denied")
    settle(report)
    assert report.skipped_reason == ("nothing booted, tested or gated: test image failed: bundle install returned 17; "
                                     "the repo's Dockerfile failed: pull access denied")


def test_the_repo_dockerfile_built_alone_is_not_a_measured_app():
    """Only the repo's image built: the run used to be `ok` in run_runtime and turned `skipped` one level up."""
    report = _ended(StepStatus.skipped, NO_BASE, StepStatus.ok, None)
    settle(report)
    assert report.status is StepStatus.skipped and report.skipped_reason.endswith(NO_BASE)


@pytest.mark.parametrize("measured", ["boot", "tests", "rubocop", "compose_up"])
def test_a_run_that_ran_the_app_stays_ok_whatever_the_answer(measured):
    report = _ended(StepStatus.ok, None)
    step = {"boot": report.boot, "tests": report.tests, "rubocop": report.gates.rubocop,
            "compose_up": report.compose.up}[measured]
    step.status = StepStatus.failed  # a bad answer is still an answer about the app
    settle(report)
    assert report.status is StepStatus.ok and report.skipped_reason is None and report.measured_the_app()


@pytest.mark.parametrize("status", [StepStatus.timeout, StepStatus.failed, StepStatus.skipped])
def test_a_run_that_did_not_reach_its_end_keeps_its_status_and_reason(status):
    report = _ended(StepStatus.failed, "bundle install returned 17")
    report.status, report.skipped_reason = status, "stage budget exhausted"
    settle(report)
    assert (report.status, report.skipped_reason) == (status, "stage budget exhausted")
