"""The runtime stage: build, boot, test and gate one graded repo inside Docker.

run_runtime never raises for problems of the repo or the engine: every outcome is a status in the
report. Ctrl-C / SIGTERM still stop it (after cleanup). Steps that depend on a step that did not
succeed are `not_applicable`; steps the budget no longer covers are `skipped`.
"""

from __future__ import annotations

import contextlib
import re
import signal
import threading
import time
import uuid
from pathlib import Path

from grader.runtime.compose import check_compose
from grader.runtime.models import (
    BootStep,
    BuildStep,
    GateResult,
    RuntimeReport,
    Step,
    StepStatus,
    TestImageStep,
    TestsStep,
)
from grader.runtime.options import RuntimeOptions
from grader.runtime.probe import analyse_page, parse_probe_output, probe_command
from grader.runtime.profiles import Profile, ProfileError, load_gates, select_profile
from grader.runtime.repo_files import gem_from_registry, read_repo_text
from grader.runtime.results import GATE_PARSERS, coverage_from_last_run, coverage_from_resultset, parse_tests, tail

_PROBE_INTERVAL = 0.25
# Runs a gate tool: `bundle exec` when the repo locks the gem from rubygems.org (GRADER_GATE_BUNDLE=1)
# and it is installed, else the image's binary, else exit 127 (reported as not_run). $0 is the tool.
_GATE_WRAPPER = (
    'if [ "$GRADER_GATE_BUNDLE" = 1 ] && bundle exec "$0" --version >/dev/null 2>&1; '
    'then exec bundle exec "$0" "$@"; '
    'elif command -v "$0" >/dev/null 2>&1; then exec "$0" "$@"; '
    'else echo "grader: $0 is not installed in the test image" >&2; exit 127; fi'
)
_NOT_INSTALLED = 127


class _Budget:
    """Time left for the stage, and whether the run was cancelled (cancel_all_runs)."""

    def __init__(self, seconds: float) -> None:
        self.deadline = time.monotonic() + seconds
        self.cancelled = threading.Event()

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def timeout(self, step_timeout: float) -> float | None:
        """The step's timeout cut to what is left of the budget; None when nothing is left."""
        left = self.remaining()
        return None if left <= 1 or self.cancelled.is_set() else min(step_timeout, left)

    def why_not(self) -> str:
        return "run cancelled" if self.cancelled.is_set() else "stage budget exhausted"


# Runs in progress in this process, so a caller grading several repos in threads can stop them
# all at once on Ctrl-C (signals only reach the main thread).
_ACTIVE: dict[str, tuple[object, _Budget]] = {}
_ACTIVE_LOCK = threading.Lock()


def cancel_all_runs() -> list[str]:
    """Stop every runtime run of this process now: later steps are skipped and the containers of
    running steps are removed (which ends their waits). Returns the run ids cancelled."""
    from grader.runtime import engine

    with _ACTIVE_LOCK:
        runs = dict(_ACTIVE)
    for run_id, (client, budget) in runs.items():
        budget.cancelled.set()
        engine.cleanup_run(client, run_id)
    return list(runs)


def run_runtime(repo: Path, options: RuntimeOptions | None = None) -> RuntimeReport:
    options = options or RuntimeOptions()
    started = time.monotonic()
    run_id = options.run_id or uuid.uuid4().hex[:12]
    report = RuntimeReport(run_id=run_id, budget_seconds=options.budget)
    repo = Path(repo).resolve()
    if not repo.is_dir():
        report.status, report.skipped_reason = StepStatus.failed, f"not a folder: {repo}"
        return report
    try:
        from grader.runtime import engine  # docker SDK: imported only when the stage really runs
    except ImportError:
        report.skipped_reason = "docker SDK for Python not installed: pip install docker, or pass --no-runtime"
        return _skip_all(report, started)
    try:
        client = engine.connect()
    except engine.EngineUnavailable as exc:
        report.skipped_reason = str(exc)
        return _skip_all(report, started)

    report.engine = engine.engine_description(client)
    budget = _Budget(options.budget)
    with _ACTIVE_LOCK:
        _ACTIVE[run_id] = (client, budget)
    try:
        with _interrupt_on_termination():
            try:
                _run_steps(client, engine, repo, options, run_id, budget, report)
                report.status = StepStatus.timeout if budget.remaining() <= 1 else StepStatus.ok
            except Exception as exc:  # our bug or the engine's: keep the partial report, marked
                report.status = StepStatus.failed
                report.skipped_reason = f"runtime stage error: {type(exc).__name__}: {exc}"[:400]
        if budget.cancelled.is_set():
            report.status, report.skipped_reason = StepStatus.failed, "run cancelled before it finished"
    finally:
        with _sigint_deferred():
            with _ACTIVE_LOCK:
                _ACTIVE.pop(run_id, None)
            report.cleanup = engine.cleanup_run(client, run_id)
            client.close()
        report.duration_seconds = round(time.monotonic() - started, 2)
    return report


def _skip_all(report: RuntimeReport, started: float) -> RuntimeReport:
    report.status = StepStatus.skipped
    for step in _steps(report):
        step.status, step.reason = StepStatus.skipped, report.skipped_reason
    report.duration_seconds = round(time.monotonic() - started, 2)
    return report


def _steps(report: RuntimeReport) -> list[Step]:
    g = report.gates
    return [report.build, report.test_image, report.boot, report.tests, g.rubocop, g.brakeman, g.bundle_audit,
            report.compose]


def _run_steps(client, engine, repo, options, run_id, budget, report) -> None:
    t = options.timeouts
    report.compose = _timed(check_compose, repo, t.compose)
    if options.build_repo_dockerfile:
        report.build = _build_repo_image(client, engine, repo, options, run_id, budget)
    else:
        report.build = BuildStep(status=StepStatus.skipped, reason="repo Dockerfile build disabled")

    try:
        profile = select_profile(repo, options.profile)
    except ProfileError as exc:
        report.test_image = TestImageStep(status=StepStatus.failed, reason=str(exc))
        _not_applicable(report, "no runtime profile for this repo")
        return
    report.profile = profile.name
    report.test_image = _build_test_image(client, engine, repo, profile, options, run_id, budget)
    if report.test_image.status is not StepStatus.ok:
        _not_applicable(report, f"test image not built ({report.test_image.status.value})")
        return
    image = report.test_image.image
    report.boot = _boot_and_probe(client, engine, image, profile, options, run_id, budget)
    report.tests = _run_tests(client, engine, repo, image, profile, options, run_id, budget)
    gates = load_gates()
    for name in ("rubocop", "brakeman", "bundle_audit"):
        setattr(report.gates, name, _run_gate(client, engine, repo, image, profile, name, gates[name], options,
                                              run_id, budget))
    if options.compose_up:
        report.compose.up = _compose_up(client, engine, repo, report, options, run_id, budget)


def _not_applicable(report: RuntimeReport, reason: str) -> None:
    g = report.gates
    for step in (report.boot, report.tests, g.rubocop, g.brakeman, g.bundle_audit):
        step.status, step.reason = StepStatus.not_applicable, reason


def _timed(fn, *args):
    started = time.monotonic()
    step = fn(*args)
    step.duration_seconds = round(time.monotonic() - started, 2)
    return step


def _over_budget(step: Step, budget: _Budget) -> Step:
    step.status, step.reason = StepStatus.skipped, budget.why_not()
    return step


# --- image builds ---------------------------------------------------------------------------

_REMOTE_ADD = re.compile(r"^\s*ADD\s+(?:--\S+\s+)*(?:https?://|git@)", re.IGNORECASE | re.MULTILINE)
_FROM = re.compile(r"^\s*FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?", re.IGNORECASE | re.MULTILINE)


def _base_images(dockerfile_text: str) -> list[str]:
    """External images a Dockerfile starts from (stage aliases and scratch excluded)."""
    aliases: set[str] = set()
    images: list[str] = []
    for m in _FROM.finditer(dockerfile_text):
        ref, alias = m.group(1), m.group(2)
        if ref.lower() != "scratch" and ref not in aliases and "$" not in ref:
            images.append(ref)
        if alias:
            aliases.add(alias)
    return images


def _build_repo_image(client, engine, repo, options, run_id, budget, dockerfile: str = "Dockerfile",
                      tag_suffix: str = "repo") -> BuildStep:
    step = BuildStep()
    name = dockerfile
    text = read_repo_text(repo, name)
    if text is None:
        step.status, step.reason = StepStatus.skipped, f"no {name} in {repo.name} (or it points outside the repo)"
        return step
    step.dockerfile = name
    timeout = budget.timeout(options.timeouts.build)
    if timeout is None:
        return _over_budget(step, budget)
    if _REMOTE_ADD.search(text) and not options.build_network:
        # The engine fetches ADD <url> itself, outside the build's network mode.
        step.status, step.reason = StepStatus.skipped, "Dockerfile ADDs a remote URL and builds have no network"
        return step
    missing = [ref for ref in _base_images(text) if not engine.image_present(client, ref)]
    if missing and not options.build_network:
        step.status = StepStatus.skipped
        step.reason = (f"base image {', '.join(missing)} not present locally and builds have no network "
                       "(pull it first, or pass --build-network)")
        return step
    started = time.monotonic()
    tag = f"grader-run-{run_id}:{tag_suffix}"
    outcome = engine.build_image(client, tag=tag, run_id=run_id, step="build", timeout=timeout,
                                 network=options.build_network, limits=options.limits, path=str(repo),
                                 dockerfile=name)
    return _record_build(step, outcome, tag, started)


def _record_build(step, outcome, tag: str, started: float):
    step.duration_seconds = round(time.monotonic() - started, 2)
    step.log_tail = tail(outcome.log)
    if outcome.ok:
        step.status, step.image = StepStatus.ok, tag
    else:
        step.status = StepStatus.timeout if outcome.timed_out else StepStatus.failed
        step.reason = outcome.error
    return step


def _build_test_image(client, engine, repo, profile: Profile, options, run_id, budget) -> TestImageStep:
    from grader.runtime.context import DOCKERFILE_NAME, ContextError, build_context

    base = options.base_image or profile.default_base_image(repo)
    step = TestImageStep(profile=profile.name, base_image=base)
    timeout = budget.timeout(options.timeouts.test_image)
    if timeout is None:
        return _over_budget(step, budget)
    if not engine.image_present(client, base):
        if not options.build_network:
            step.status = StepStatus.skipped
            step.reason = f"base image {base} not present locally: pass --base-image IMAGE (or --build-network to pull)"
            return step
    started = time.monotonic()
    try:
        context = build_context(repo, profile.render_dockerfile(base, repo, engine.labels(run_id, "test_image")))
    except (ContextError, OSError) as exc:
        step.status, step.reason = StepStatus.failed, f"could not pack the repo: {exc}"
        return step
    tag = f"grader-run-{run_id}:test"
    with context:
        outcome = engine.build_image(client, tag=tag, run_id=run_id, step="test_image", timeout=timeout,
                                     network=options.build_network, limits=options.limits, fileobj=context,
                                     dockerfile=DOCKERFILE_NAME, labelled_in_dockerfile=True)
    step = _record_build(step, outcome, tag, started)
    if step.status is StepStatus.failed and not options.build_network and "bundle install" in step.log_tail:
        step.reason = (f"{step.reason} (builds have no network: gems missing from {base} cannot be installed; "
                       "pass a --base-image that has the bundle, or --build-network)")
    return step


# --- boot and probe ---------------------------------------------------------------------------

def _boot_and_probe(client, engine, image, profile: Profile, options, run_id, budget) -> BootStep:
    boot = profile.boot
    step = BootStep(command=boot.command, url_path=boot.path)
    timeout = budget.timeout(options.timeouts.boot)
    if timeout is None:
        return _over_budget(step, budget)
    return _serve_and_probe(client, engine, step, image, boot.command, boot.port, {**profile.env, **boot.env},
                            options, run_id, "boot", timeout, budget)


def _serve_and_probe(client, engine, step: BootStep, image, command, port: int, env, options, run_id, step_name,
                     timeout: float, budget: _Budget, working_dir: str | None = "/app") -> BootStep:
    """Start the app in a sandboxed container and poll it from inside until it answers HTTP."""
    started = time.monotonic()
    container = None
    try:
        container = engine.create_container(client, image, command, run_id=run_id, step=step_name, env=env,
                                            limits=options.limits, working_dir=working_dir)
        container.start()
        deadline = started + timeout
        while True:
            if budget.cancelled.is_set():
                step.status, step.reason = StepStatus.skipped, budget.why_not()
                break
            container.reload()
            if container.status not in ("running", "created"):
                code = container.attrs.get("State", {}).get("ExitCode")
                step.status, step.reason = StepStatus.failed, f"app exited with code {code} before answering HTTP"
                break
            left = deadline - time.monotonic()
            if left <= 0:
                step.status = StepStatus.timeout
                step.reason = f"no HTTP answer on port {port} within {timeout:.0f}s"
                break
            answer = _probe_once(engine, container, port, step.url_path, options, max(1.0, min(15.0, left)))
            if answer is not None and answer.status is not None:
                _record_answer(step, answer, time.monotonic() - started)
                break
            time.sleep(_PROBE_INTERVAL)
    except Exception as exc:  # engine trouble mid-step: keep the report, say what happened
        _engine_trouble(step, exc, budget)
    finally:
        if container is not None:
            step.log_tail = tail(engine.container_logs(container))
            engine.remove_quietly(container)
        step.duration_seconds = round(time.monotonic() - started, 2)
    return step


def _record_answer(step: BootStep, answer, elapsed: float) -> None:
    """Any HTTP answer ends the wait; below 400 is ready, a 5xx page is a boot failure."""
    step.http_status = answer.status
    if answer.status < 400:
        step.status, step.ready_seconds = StepStatus.ok, round(elapsed, 2)
    else:
        step.status = StepStatus.failed
        step.reason = f"HTTP {answer.status} at {step.url_path}" + (
            " (server error: boot failure)" if answer.status >= 500 else "")
    page = analyse_page(answer.body)
    step.turbo, step.stimulus, step.chat_form, step.markers = page.turbo, page.stimulus, page.chat_form, page.markers


def _probe_once(engine, container, port: int, path: str, options, read_timeout: float):
    try:
        result = container.exec_run(probe_command(port, path, read_timeout), user=options.limits.user,
                                    environment=engine.SAFE_ENV, demux=False)
    except Exception:  # container stopped between reload and exec; the loop sees it next turn
        return None
    return parse_probe_output(result.exit_code, result.output or b"")


def _compose_up(client, engine, repo, report: RuntimeReport, options, run_id, budget) -> BootStep:
    """Bring up the compose file's web service inside the same sandbox and probe it.

    Not `docker compose up`: that would give the app a network and the host's environment. The
    service is built from its own build section (no network unless allowed), started with
    network none, and probed from inside like the boot step."""
    from grader.runtime.compose import web_service

    compose = report.compose
    step = BootStep()
    if not compose.valid:
        step.status, step.reason = StepStatus.not_applicable, "compose file missing or invalid"
        return step
    service = web_service(repo, compose.file)
    step.command = service.command or []
    timeout = budget.timeout(options.timeouts.build + options.timeouts.boot)
    if timeout is None:
        return _over_budget(step, budget)
    if (service.build_context in (".", "./") and service.dockerfile == "Dockerfile"
            and report.build.status is StepStatus.ok):
        image = report.build.image  # the repo's own image, built already
    elif service.build_context is not None:
        build = _build_repo_image(client, engine, repo / service.build_context, options, run_id, budget,
                                  dockerfile=service.dockerfile, tag_suffix="compose")
        if build.status is not StepStatus.ok:
            step.status = StepStatus.not_applicable if build.status is StepStatus.skipped else build.status
            step.reason, step.log_tail = f"service {service.name} image: {build.reason}", build.log_tail
            return step
        image = build.image
    elif service.image and engine.image_present(client, service.image):
        image = service.image
    else:
        step.status = StepStatus.skipped
        step.reason = f"service {service.name} image {service.image} not present locally"
        return step
    boot_timeout = budget.timeout(options.timeouts.boot)
    if boot_timeout is None:
        return _over_budget(step, budget)
    return _serve_and_probe(client, engine, step, image, service.command, service.port, service.env, options,
                            run_id, "compose", boot_timeout, budget, working_dir=None)


# --- tests ---------------------------------------------------------------------------------

def _run_tests(client, engine, repo, image, profile: Profile, options, run_id, budget) -> TestsStep:
    spec = profile.tests
    step = TestsStep(framework=spec.framework, command=spec.command)
    if spec.present and not any((repo / p).exists() for p in spec.present):
        step.status, step.reason = StepStatus.skipped, f"no test suite found ({', '.join(spec.present)})"
        return step
    timeout = budget.timeout(options.timeouts.tests)
    if timeout is None:
        return _over_budget(step, budget)
    run = lambda: engine.run_to_completion(client, image, spec.command, run_id=run_id, step="tests",  # noqa: E731
                                           env={**profile.env, **spec.env}, limits=options.limits, timeout=timeout)

    def interpret(outcome) -> None:
        step.log_tail = tail(outcome.log)
        counts = parse_tests(spec.framework, outcome.log)
        if counts:
            step.runs, step.assertions, step.failures, step.errors, step.skips = (
                counts.runs, counts.assertions, counts.failures, counts.errors, counts.skips)
        if outcome.timed_out:
            step.status, step.reason = StepStatus.timeout, f"test suite exceeded {timeout:.0f}s"
        elif counts is None:
            step.status = StepStatus.failed
            step.reason = f"no {spec.framework} summary in the output (exit {outcome.exit_code})"
        elif (counts.failures or 0) + (counts.errors or 0) > 0 or outcome.exit_code != 0:
            step.status = StepStatus.failed
            step.reason = f"{counts.failures} failures, {counts.errors} errors (exit {outcome.exit_code})"
        else:
            step.status = StepStatus.ok
        _read_coverage(engine, outcome.container, step)

    return _step_in_container(engine, step, run, interpret, budget)


def _engine_trouble(step: Step, exc: Exception, budget: _Budget) -> None:
    if budget.cancelled.is_set():  # cancel_all_runs removed the container under us
        step.status, step.reason = StepStatus.skipped, budget.why_not()
    else:
        step.status, step.reason = StepStatus.failed, f"engine error: {type(exc).__name__}: {exc}"[:300]


def _step_in_container(engine, step, run, interpret, budget: _Budget):
    """Run one step container to completion, let `interpret` fill the step, always remove it."""
    started = time.monotonic()
    outcome = None
    try:
        outcome = run()
        step.exit_code = outcome.exit_code
        if budget.cancelled.is_set():
            raise RuntimeError("cancelled")
        interpret(outcome)
    except Exception as exc:  # engine trouble mid-step: keep the report, say what happened
        _engine_trouble(step, exc, budget)
    finally:
        if outcome is not None:
            engine.remove_quietly(outcome.container)
        step.duration_seconds = round(time.monotonic() - started, 2)
    return step


def _read_coverage(engine, container, step: TestsStep) -> None:
    for path, parse in (("/app/coverage/.last_run.json", coverage_from_last_run),
                        ("/app/coverage/.resultset.json", coverage_from_resultset)):
        data = engine.read_file(container, path)
        cov = parse(data) if data else None
        if cov:
            step.line_coverage, step.branch_coverage, step.coverage_source = cov.line, cov.branch, cov.source
            return


# --- gates --------------------------------------------------------------------------------

def _run_gate(client, engine, repo, image, profile: Profile, name: str, gate, options, run_id, budget) -> GateResult:
    step = GateResult(tool=gate.tool)
    if name not in profile.gates:
        step.status, step.reason = StepStatus.not_applicable, f"not a gate of profile {profile.name}"
        return step
    missing = [p for p in gate.needs if not (repo / p).exists()]
    if missing:
        step.status, step.reason = StepStatus.not_applicable, f"repo has no {', '.join(missing)}"
        return step
    timeout = budget.timeout(options.timeouts.gate)
    if timeout is None:
        return _over_budget(step, budget)
    command = ["sh", "-c", _GATE_WRAPPER, gate.tool, *gate.args]
    bundle = "1" if gem_from_registry(repo, gate.gem) else "0"
    run = lambda: engine.run_to_completion(client, image, command, run_id=run_id, step=f"gate-{name}",  # noqa: E731
                                           env={**profile.env, "GRADER_GATE_BUNDLE": bundle},
                                           limits=options.limits, timeout=timeout)

    def interpret(outcome) -> None:
        step.log_tail = tail(outcome.log, lines=30, chars=3000)
        if outcome.timed_out:
            step.status, step.reason = StepStatus.timeout, f"{gate.tool} exceeded {timeout:.0f}s"
        elif outcome.exit_code == _NOT_INSTALLED:
            step.status, step.reason = StepStatus.not_run, f"{gate.tool} is not installed in the test image"
        elif (counts := GATE_PARSERS[name](outcome.log)) is None:
            step.status = StepStatus.failed
            step.reason = f"{gate.tool} produced no parseable report (exit {outcome.exit_code})"
        else:
            step.status = StepStatus.ok
            for field in ("clean", "offenses", "files_inspected", "warnings", "ignored_warnings", "vulnerabilities"):
                setattr(step, field, getattr(counts, field))

    return _step_in_container(engine, step, run, interpret, budget)


# --- signals ---------------------------------------------------------------------------------

@contextlib.contextmanager
def _interrupt_on_termination():
    """SIGTERM/SIGHUP behave like Ctrl-C, so `finally` cleanup runs (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old if old is not None else signal.SIG_DFL)


@contextlib.contextmanager
def _sigint_deferred():
    """A second Ctrl-C must not abort the cleanup half-way."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    sigs = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    previous = {sig: signal.signal(sig, signal.SIG_IGN) for sig in sigs}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old if old is not None else signal.SIG_DFL)
