"""Typed runtime report: what building, booting, testing and gating a repo in Docker showed.

No docker import here: the report model is read by stages (scoring, reports) that never touch Docker.
"""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel, Field, PrivateAttr


class StepStatus(str, Enum):
    ok = "ok"
    failed = "failed"
    timeout = "timeout"
    skipped = "skipped"  # we chose not to run it (no daemon, budget spent, option off, nothing to run)
    not_applicable = "not_applicable"  # an earlier step it depends on did not succeed
    not_run = "not_run"  # gates only: the tool is not installed, which is never a pass


MEASURED = (StepStatus.ok, StepStatus.failed, StepStatus.timeout)  # a step that ran and has a result, good or bad


class Step(BaseModel):
    status: StepStatus = StepStatus.skipped
    duration_seconds: float = 0.0
    reason: str | None = None  # one line: why failed/skipped/not_applicable
    log_tail: str = ""


class BuildStep(Step):
    """The repo's own Dockerfile."""

    dockerfile: str | None = None
    image: str | None = None
    limits: str | None = None  # which limits held during the build


class TestImageStep(Step):
    profile: str | None = None
    base_image: str | None = None
    base_choice: str | None = None  # why this base image, when --base-image did not name one
    ruby_widened: str | None = None  # the Gemfile's exact Ruby pin widened to the image's series (ruby_series)
    image: str | None = None
    limits: str | None = None  # which limits held during the build
    cached: bool = False  # the gems came from a bundle image built earlier (same lockfile + base)
    # The bundle image this run built (not in the report): removed at the run's end if another run's
    # build of the same cache took its tag meanwhile, or it would outlive us unused.
    _bundle_built: str | None = PrivateAttr(default=None)


class BootStep(Step):
    command: list[str] = Field(default_factory=list)
    url_path: str = "/"
    final_path: str | None = None  # after same-app redirects
    http_status: int | None = None
    ready_seconds: float | None = None
    turbo: bool | None = None
    stimulus: bool | None = None
    chat_form: bool | None = None
    markers: list[str] = Field(default_factory=list)  # which page markers were seen


class TestsStep(Step):
    framework: str | None = None  # minitest | rspec
    command: list[str] = Field(default_factory=list)
    exit_code: int | None = None
    runs: int | None = None
    assertions: int | None = None
    failures: int | None = None
    errors: int | None = None
    skips: int | None = None
    line_coverage: float | None = None  # percent, from SimpleCov when the suite produced it
    branch_coverage: float | None = None
    coverage_source: str | None = None  # coverage/.last_run.json | coverage/.resultset.json
    counts_source: str | None = None  # "grader reporter" (our Minitest plugin) | "printed summary"
    tampering: list[str] = Field(default_factory=list)  # what the suite did to forge its results


class GateResult(Step):
    """A static gate run inside the sandbox. `status` ok means the tool ran and its report parsed;
    `clean` says whether it found nothing. Tool missing -> status not_run, clean None."""

    tool: str
    clean: bool | None = None
    offenses: int | None = None  # rubocop
    files_inspected: int | None = None  # rubocop
    warnings: int | None = None  # brakeman
    ignored_warnings: int | None = None  # brakeman (suppressed ones still count against G12)
    vulnerabilities: int | None = None  # bundle-audit
    exit_code: int | None = None
    tampering: list[str] = Field(default_factory=list)  # e.g. config `require:` we did not load


class Gates(BaseModel):
    rubocop: GateResult = Field(default_factory=lambda: GateResult(tool="rubocop"))
    brakeman: GateResult = Field(default_factory=lambda: GateResult(tool="brakeman"))
    bundle_audit: GateResult = Field(default_factory=lambda: GateResult(tool="bundle-audit"))


class ComposeStep(Step):
    file: str | None = None
    valid: bool | None = None
    services: list[str] = Field(default_factory=list)
    problems: list[str] = Field(default_factory=list)
    validated_with: list[str] = Field(default_factory=list)  # "yaml", "docker compose config"
    up: BootStep = Field(default_factory=lambda: BootStep(status=StepStatus.skipped, reason="compose up not requested"))


class RuntimeReport(BaseModel):
    status: StepStatus = StepStatus.skipped
    skipped_reason: str | None = None
    run_id: str | None = None
    engine: str | None = None  # e.g. "docker 20.10.24 (API 1.41)"
    profile: str | None = None
    app_root: str | None = None  # "." or the sub-folder the runtime ran in
    app_root_note: str | None = None  # why a sub-folder was chosen
    duration_seconds: float = 0.0
    budget_seconds: float | None = None
    build: BuildStep = Field(default_factory=BuildStep)
    test_image: TestImageStep = Field(default_factory=TestImageStep)
    boot: BootStep = Field(default_factory=BootStep)
    tests: TestsStep = Field(default_factory=TestsStep)
    gates: Gates = Field(default_factory=Gates)
    compose: ComposeStep = Field(default_factory=ComposeStep)
    cleanup: list[str] = Field(default_factory=list)  # what was removed at the end, or what failed to be

    def measured_the_app(self) -> bool:
        """Whether any step ran the app's code to a result, good or bad: booted it (in the test image or
        through compose up), ran its tests or one of its gates. Building images alone is not measuring."""
        g = self.gates
        return any(step.status in MEASURED for step in (self.boot, self.tests, g.rubocop, g.brakeman, g.bundle_audit,
                                                         self.compose.up))
