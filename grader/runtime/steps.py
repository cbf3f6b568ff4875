"""Steps that run in containers of the test image: boot and probe, tests, gates, compose up.

Every container is sandboxed by engine.create_container and removed when its step ends.
"""

from __future__ import annotations

import re
import secrets
import time

from grader.runtime.budget import Budget, engine_trouble, over_budget
from grader.runtime.builds import build_repo_image
from grader.runtime.models import BootStep, GateResult, RuntimeReport, StepStatus, TestsStep
from grader.runtime.probe import analyse_page, parse_probe_output, probe_command
from grader.runtime.profiles import Profile
from grader.runtime.repo_files import gem_from_registry
from grader.runtime.sandbox_limits import SIGXFSZ_EXIT
from grader.runtime.results import (
    GATE_PARSERS,
    TestCounts,
    coverage_from_last_run,
    coverage_from_resultset,
    parse_tests,
    reporter_counts,
    strip_reporter_lines,
    tail,
)

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


# --- boot and probe ---------------------------------------------------------------------------

def boot_and_probe(client, engine, image, profile: Profile, options, run_id, budget) -> BootStep:
    boot = profile.boot
    step = BootStep(command=boot.command, url_path=boot.path)
    timeout = budget.timeout(options.timeouts.boot)
    if timeout is None:
        return over_budget(step, budget)
    return _serve_and_probe(client, engine, step, image, boot.command, boot.port, {**profile.env, **boot.env},
                            options, run_id, "boot", timeout, budget)


def _serve_and_probe(client, engine, step: BootStep, image, command, port: int, env, options, run_id, step_name,
                     timeout: float, budget: Budget, working_dir: str | None = "/app") -> BootStep:
    """Start the app in a sandboxed container and poll it from inside until it answers HTTP."""
    started = time.monotonic()
    container = disk = None
    try:
        container = engine.create_container(client, image, command, run_id=run_id, step=step_name, env=env,
                                            limits=options.limits, working_dir=working_dir)
        disk = engine.watch_disk(client, container, options.limits).__enter__()  # the boot is watched too
        container.start()
        deadline = started + timeout
        no_ruby = _NoRubyWitness()
        while True:
            if budget.is_cancelled:
                step.status, step.reason = StepStatus.skipped, budget.why_not()
                break
            container.reload()
            if disk.exceeded:
                step.status, step.reason = StepStatus.failed, f"app {disk.exceeded}"
                break
            if container.status not in ("running", "created"):
                code = container.attrs.get("State", {}).get("ExitCode")
                step.status, step.reason = StepStatus.failed, (
                    f"app wrote a file as large as the disk quota ({options.limits.disk}); stopped by the file size"
                    " limit" if code == SIGXFSZ_EXIT else f"app exited with code {code} before answering HTTP")
                break
            left = deadline - time.monotonic()
            if left <= 0:
                step.status = StepStatus.timeout
                step.reason = f"no HTTP answer on port {port} within {timeout:.0f}s"
                break
            answer = _probe_once(engine, container, port, step.url_path, options, max(1.0, min(15.0, left)))
            if budget.is_cancelled:
                continue  # whatever the probe saw, the container may be gone under it: say "cancelled"
            if no_ruby.confirmed(answer, container):
                step.status, step.reason = StepStatus.failed, "the probe needs `ruby` in the image; this image has none"
                break
            if answer is not None and answer.status is not None:
                _record_answer(step, answer, time.monotonic() - started)
                break
            time.sleep(_PROBE_INTERVAL)
    except Exception as exc:  # engine trouble mid-step: keep the report, say what happened
        engine_trouble(step, exc, budget)
    finally:
        if disk is not None:
            disk.__exit__(None, None, None)
            if disk.exceeded and step.status is not StepStatus.skipped:  # killed between two looks
                step.status, step.reason = StepStatus.failed, f"app {disk.exceeded}"
        if container is not None:
            step.log_tail = tail(engine.container_logs(container))
            engine.remove_quietly(container)
        step.duration_seconds = round(time.monotonic() - started, 2)
    return step


class _NoRubyWitness:
    """An exec that could not start (126/127) means no `ruby` in the image only when it happens
    twice in a row, a probe interval apart, with the app running both times: an app that crashes
    while the exec starts fails it the same way, and the engine may still call the container
    running for a moment after its process died (seen under load)."""

    def __init__(self) -> None:
        self.seen = 0

    def confirmed(self, answer, container) -> bool:
        if answer is None or not answer.missing_runtime or not _still_running(container):
            self.seen = 0
            return False
        self.seen += 1
        return self.seen >= 2


def _still_running(container) -> bool:
    """An exec that could not start (126/127) means no `ruby` only while the app still runs: a
    container removed or stopped meanwhile fails every exec the same way."""
    try:
        container.reload()
    except Exception:  # removed: not the image's fault
        return False
    return container.status == "running"


def _record_answer(step: BootStep, answer, elapsed: float) -> None:
    """Any HTTP answer ends the wait; below 400 is ready, a 5xx page is a boot failure."""
    step.http_status, step.final_path = answer.status, answer.path
    if answer.status < 400:
        step.status, step.ready_seconds = StepStatus.ok, round(elapsed, 2)
    else:
        step.status = StepStatus.failed
        step.reason = f"HTTP {answer.status} at {answer.path or step.url_path}" + (
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


def compose_up(client, engine, repo, report: RuntimeReport, options, run_id, budget) -> BootStep:
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
        return over_budget(step, budget)
    if (service.build_context in (".", "./") and service.dockerfile == "Dockerfile"
            and report.build.status is StepStatus.ok):
        image = report.build.image  # the repo's own image, built already
    elif service.build_context is not None:
        build = build_repo_image(client, engine, repo / service.build_context, options, run_id, budget,
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
        return over_budget(step, budget)
    return _serve_and_probe(client, engine, step, image, service.command, service.port, service.env, options,
                            run_id, "compose", boot_timeout, budget, working_dir=None)


# --- tests ---------------------------------------------------------------------------------

def run_tests(client, engine, repo, image, profile: Profile, options, run_id, budget) -> TestsStep:
    spec = profile.tests
    step = TestsStep(framework=spec.framework, command=spec.command)
    if spec.present and not any((repo / p).exists() for p in spec.present):
        step.status, step.reason = StepStatus.skipped, f"no test suite found ({', '.join(spec.present)})"
        return step
    timeout = budget.timeout(options.timeouts.tests)
    if timeout is None:
        return over_budget(step, budget)
    token = secrets.token_hex(16)
    env = {**profile.env, **spec.env, **_reporter_env(spec.framework, spec.env), "GRADER_RESULT_TOKEN": token}
    run = lambda: engine.run_to_completion(client, image, spec.command, run_id=run_id, step="tests",  # noqa: E731
                                           env=env, limits=options.limits, timeout=timeout,
                                           cancelled=lambda: budget.is_cancelled)

    def interpret(outcome) -> None:
        step.log_tail = tail(strip_reporter_lines(outcome.log))
        counts = _trusted_counts(step, spec.framework, outcome.log, token)
        if counts:
            step.runs, step.assertions, step.failures, step.errors, step.skips = (
                counts.runs, counts.assertions, counts.failures, counts.errors, counts.skips)
        if outcome.disk_exceeded:
            step.status, step.reason = StepStatus.failed, f"test suite {outcome.disk_exceeded}"
        elif outcome.timed_out:
            step.status, step.reason = StepStatus.timeout, f"test suite exceeded {timeout:.0f}s"
        elif counts is None:
            step.status = StepStatus.failed
            step.reason = step.reason or f"no {spec.framework} summary in the output (exit {outcome.exit_code})"
        elif (counts.failures or 0) + (counts.errors or 0) > 0 or outcome.exit_code != 0:
            step.status = StepStatus.failed
            step.reason = f"{counts.failures} failures, {counts.errors} errors (exit {outcome.exit_code})"
        else:
            step.status = StepStatus.ok
        _read_coverage(engine, outcome.container, step)

    return _step_in_container(engine, step, run, interpret, budget)


_REPORTER_LOAD_PATH = "/opt/grader/ruby"


def _reporter_env(framework: str, env: dict[str, str]) -> dict[str, str]:
    """Minitest finds our plugin on the load path; RSpec gets our formatter (plus progress, so the
    log still shows the run) through SPEC_OPTS, which outranks the repo's .rspec."""
    if framework == "rspec":
        ours = f"-r{_REPORTER_LOAD_PATH}/grader_rspec_formatter.rb -f GraderRSpecFormatter -f progress"
        return {"SPEC_OPTS": f"{env.get('SPEC_OPTS', '')} {ours}".strip()}
    return {"RUBYOPT": f"-I{_REPORTER_LOAD_PATH} {env.get('RUBYOPT', '')}".strip()}


def _same(a: TestCounts, b: TestCounts) -> bool:
    return (a.runs, a.failures, a.errors) == (b.runs, b.failures, b.errors)


def _trusted_counts(step: TestsStep, framework: str, log: str, token: str):
    """The counts our reporter (Minitest plugin, RSpec formatter) recorded, never a summary the
    suite printed itself. A printed summary that disagrees, a second token line, or no reporter
    line at all is recorded as tampering (or as unconfirmed) rather than believed."""
    printed = parse_tests(framework, strip_reporter_lines(log))
    counts, lines = reporter_counts(log, token)
    if counts is not None and framework == "rspec":
        counts.assertions = None  # RSpec has no assertion count: unknown, not zero
    if lines > 1:
        step.tampering.append(f"{lines} result lines carried the grader's token: the suite printed its own")
        step.reason = "conflicting test results (the suite printed a result line of its own)"
        return None
    if counts is None:
        if printed is not None:
            step.tampering.append(f"the suite printed '{printed.runs} runs, {printed.failures} failures' but the "
                                  "grader's reporter recorded no run")
            step.reason = "test summary printed without Minitest recording it (not believed)"
        return None
    step.counts_source = "grader reporter"
    if printed is not None and not _same(printed, counts):
        step.tampering.append(f"the suite printed '{printed.runs} runs, {printed.failures} failures, "
                              f"{printed.errors} errors' while Minitest recorded {counts.runs} runs, "
                              f"{counts.failures} failures, {counts.errors} errors")
    return counts


def _step_in_container(engine, step, run, interpret, budget: Budget):
    """Run one step container to completion, let `interpret` fill the step, always remove it."""
    started = time.monotonic()
    outcome = None
    try:
        outcome = run()
        step.exit_code = outcome.exit_code
        if budget.is_cancelled:
            raise RuntimeError("cancelled")
        interpret(outcome)
    except Exception as exc:  # engine trouble mid-step: keep the report, say what happened
        engine_trouble(step, exc, budget)
    finally:
        if outcome is not None:
            engine.remove_quietly(outcome.container)
        step.duration_seconds = round(time.monotonic() - started, 2)
    return step


def _read_coverage(engine, container, step: TestsStep) -> None:
    """Coverage from SimpleCov's raw results, recomputed here; its `.last_run.json` summary is a
    file any test can write, so it only counts as a cross-check (a mismatch is tampering) and is
    never believed alone. Reads are bounded (engine.read_file)."""
    def parsed(path, parse):
        data = engine.read_file(container, path)
        return parse(data) if data else None

    last = parsed("/app/coverage/.last_run.json", coverage_from_last_run)
    raw = parsed("/app/coverage/.resultset.json", coverage_from_resultset)
    if raw is None:
        if last is not None:
            step.tampering.append(f"coverage/.last_run.json claims {last.line}% lines with no raw SimpleCov "
                                  "results beside it (not believed)")
        return
    if last is not None and last.line is not None and raw.line is not None and abs(last.line - raw.line) > 0.5:
        step.tampering.append(f"coverage/.last_run.json claims {last.line}% lines; the raw results give {raw.line}%")
    branch = raw.branch if raw.branch is not None else None
    step.line_coverage, step.branch_coverage, step.coverage_source = raw.line, branch, raw.source


# --- gates --------------------------------------------------------------------------------

def run_gate(client, engine, repo, image, profile: Profile, name: str, gate, options, run_id, budget) -> GateResult:
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
        return over_budget(step, budget)
    if name == "rubocop":
        from grader.runtime.gate_config import gate_config

        step.tampering = [f"not loaded: {d}" for d in gate_config(repo).dropped]
    command = ["sh", "-c", _GATE_WRAPPER, gate.tool, *gate.args]
    bundle = "1" if gem_from_registry(repo, gate.gem) else "0"
    run = lambda: engine.run_to_completion(client, image, command, run_id=run_id, step=f"gate-{name}",  # noqa: E731
                                           env={**profile.env, "GRADER_GATE_BUNDLE": bundle},
                                           limits=options.limits, timeout=timeout,
                                           cancelled=lambda: budget.is_cancelled)

    def interpret(outcome) -> None:
        step.log_tail = tail(outcome.log, lines=30, chars=3000)
        if outcome.disk_exceeded:
            step.status, step.reason = StepStatus.failed, f"{gate.tool} {outcome.disk_exceeded}"
        elif outcome.timed_out:
            step.status, step.reason = StepStatus.timeout, f"{gate.tool} exceeded {timeout:.0f}s"
        elif outcome.exit_code == _NOT_INSTALLED:
            step.status, step.reason = StepStatus.not_run, f"{gate.tool} is not installed in the test image"
        elif outcome.exit_code not in gate.ok_exit_codes:
            step.status = StepStatus.failed
            step.reason = f"{gate.tool} failed (exit {outcome.exit_code})" + _first_error(outcome.log)
        elif (counts := GATE_PARSERS[name](outcome.log)) is None:
            step.status = StepStatus.failed
            step.reason = (f"{gate.tool} produced no parseable report (exit {outcome.exit_code})"
                           + _first_error(outcome.log))
        else:
            step.status = StepStatus.ok
            for field in ("clean", "offenses", "files_inspected", "warnings", "ignored_warnings", "vulnerabilities"):
                setattr(step, field, getattr(counts, field))

    return _step_in_container(engine, step, run, interpret, budget)


_FRAME = re.compile(r"^\s*(?:from\s+)?/?\S+:\d+:in\s")


def _first_error(log: str) -> str:
    """The tool's own first message (e.g. an unknown Ruby version, a missing config plugin):
    the first line that is neither a stack frame nor the JSON report."""
    for line in log.splitlines():
        text = line.strip()
        if text and not text.startswith("{") and not _FRAME.match(line):
            return ": " + text[:200]
    return ""
