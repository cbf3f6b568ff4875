"""The runtime stage: build, boot, test and gate one graded repo inside Docker.

run_runtime never raises for problems of the repo or the engine: every outcome is a status in the
report. Ctrl-C / SIGTERM still stop it (after cleanup). Steps that depend on a step that did not
succeed are `not_applicable`; steps the budget no longer covers are `skipped`.
"""

from __future__ import annotations

import contextlib
import functools
import signal
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from grader.core.stage import CancelToken, ProgressCallback
from grader.runtime.budget import Budget
from grader.runtime.builds import build_repo_image, build_test_image
from grader.runtime.app_root import find_app_root
from grader.runtime.compose import check_compose, find_compose_file
from grader.runtime.models import BuildStep, RuntimeReport, Step, StepStatus, TestImageStep
from grader.runtime.options import RuntimeOptions
from grader.runtime.outcome import settle
from grader.runtime.progress import StepProgress
from grader.runtime.repo_files import inside_repo
from grader.runtime.profiles import ProfileError, load_gates, select_profile
from grader.runtime.steps import boot_and_probe, compose_up, run_gate, run_tests

# Runs in progress in this process, so a caller grading several repos in threads can stop them
# all at once on Ctrl-C (signals only reach the main thread).
_ACTIVE: dict[str, Budget] = {}
_ACTIVE_LOCK = threading.Lock()


def cancel_all_runs() -> list[str]:
    """Stop every runtime run of this process now: later steps are skipped and the containers of
    running steps are removed (the cancel callback each run registered). Returns the run ids."""
    with _ACTIVE_LOCK:
        runs = dict(_ACTIVE)
    for budget in runs.values():
        budget.cancel.cancel("run cancelled")
    return list(runs)


def run_runtime(repo: Path, options: RuntimeOptions | None = None, *, cancel: CancelToken | None = None,
                progress: ProgressCallback | None = None) -> RuntimeReport:
    """Build, boot, test and gate `repo`. `cancel` is the job's token: setting it removes this run's
    containers at once and skips what is left; `progress` hears each step start and finish."""
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
    app, report.app_root_note = find_app_root(repo)
    report.app_root = app.relative_to(repo).as_posix()
    budget = Budget(options.budget, cancel)
    steps = StepProgress(progress)
    live = threading.Event()  # set while the run may still create objects; the cancel cleanup checks it
    live.set()
    budget.cancel.on_cancel(lambda: live.is_set() and engine.cleanup_run(client, run_id))
    with _ACTIVE_LOCK:
        _ACTIVE[run_id] = budget
    try:
        with _interrupt_on_termination(budget):
            try:
                _run_steps(client, engine, repo, app, options, run_id, budget, report, steps)
                report.status = StepStatus.timeout if budget.remaining() <= 1 else StepStatus.ok
                settle(report)  # booted, tested and gated nothing (no base image, no app...): never ok
            except Exception as exc:  # our bug or the engine's: keep the partial report, marked
                report.status = StepStatus.failed
                report.skipped_reason = f"runtime stage error: {type(exc).__name__}: {exc}"[:400]
        if budget.is_cancelled:
            report.status, report.skipped_reason = StepStatus.failed, "run cancelled before it finished"
    finally:
        with _sigint_deferred():
            live.clear()
            with _ACTIVE_LOCK:
                _ACTIVE.pop(run_id, None)
            report.cleanup = engine.cleanup_run(client, run_id)
            report.cleanup += engine.drop_if_untagged(client, report.test_image._bundle_built)
            client.close()
        report.duration_seconds = round(time.monotonic() - started, 2)
    if budget.interrupted is not None:  # the signal's KeyboardInterrupt was swallowed on its way up
        raise KeyboardInterrupt(f"signal {budget.interrupted}")
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


def _run_steps(client, engine, repo, app, options, run_id, budget, report, steps: StepProgress) -> None:
    """`app` is the app root (the repo or a sub-folder); compose and Dockerfile files are taken from
    it, else from the repo's top folder."""
    compose_dir = app if find_compose_file(app) is not None else repo
    report.compose = steps.run("compose", _timed, check_compose, compose_dir, options.timeouts.compose)
    if options.build_repo_dockerfile:
        docker_dir = app if inside_repo(app, "Dockerfile") is not None else repo
        report.build = steps.run("build", build_repo_image, client, engine, docker_dir, options, run_id, budget)
    else:
        report.build = BuildStep(status=StepStatus.skipped, reason="repo Dockerfile build disabled")
    _run_profile_steps(client, engine, app, options, run_id, budget, report, steps)
    if options.compose_up:  # independent of the test image: it uses the repo's own Dockerfile
        report.compose.up = steps.run("compose up", compose_up, client, engine, compose_dir, report, options,
                                      run_id, budget)


def _run_profile_steps(client, engine, repo, options, run_id, budget, report, steps: StepProgress) -> None:
    """Test image from the profile, then boot, tests and gates in containers of it."""
    try:
        profile = select_profile(repo, options.profile)
    except ProfileError as exc:
        report.test_image = TestImageStep(status=StepStatus.not_applicable, reason=str(exc))
        _not_applicable(report, "no runtime profile for this repo")
        return
    report.profile = profile.name
    report.test_image = steps.run("test image", build_test_image, client, engine, repo, profile, options, run_id,
                                  budget)
    if report.test_image.status is not StepStatus.ok:
        _not_applicable(report, f"test image not built ({report.test_image.status.value})")
        return
    image = report.test_image.image
    # Boot alone, so ready_seconds is not inflated by other steps competing for the CPU.
    report.boot = steps.run("boot", boot_and_probe, client, engine, image, profile, options, run_id, budget)
    gates = load_gates()
    checks = {"tests": functools.partial(steps.run, "tests", run_tests, client, engine, repo, image, profile,
                                         options, run_id, budget)}
    for name in ("rubocop", "brakeman", "bundle_audit"):
        checks[name] = functools.partial(steps.run, name, run_gate, client, engine, repo, image, profile, name,
                                         gates[name], options, run_id, budget)
    results = _run_independent(checks, options.parallel_steps, run_id, budget)
    report.tests = results.pop("tests")
    for name, gate in results.items():
        setattr(report.gates, name, gate)


def _run_independent(checks: dict, workers: int, run_id: str, budget: Budget) -> dict:
    """Tests and gates need only the test image, so they may run side by side. On Ctrl-C the run
    is cancelled (its cancel callback removes the running containers, and every step container
    created later is removed by the step itself) before the threads are joined."""
    if workers <= 1:
        return {name: check() for name, check in checks.items()}
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"grader-{run_id}")
    try:
        futures = {name: pool.submit(check) for name, check in checks.items()}
        return {name: future.result() for name, future in futures.items()}
    except BaseException:
        budget.cancel.cancel("interrupted")
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _not_applicable(report: RuntimeReport, reason: str) -> None:
    g = report.gates
    for step in (report.boot, report.tests, g.rubocop, g.brakeman, g.bundle_audit):
        step.status, step.reason = StepStatus.not_applicable, reason


def _timed(fn, *args):
    started = time.monotonic()
    step = fn(*args)
    step.duration_seconds = round(time.monotonic() - started, 2)
    return step


# --- signals ---------------------------------------------------------------------------------

@contextlib.contextmanager
def _interrupt_on_termination(budget: Budget):
    """SIGINT, SIGTERM and SIGHUP stop the run (main thread only): the budget is marked
    interrupted, so every step loop stops even when the KeyboardInterrupt is lost on its way up
    (raised inside a `__del__` or a library's broad except), and the KeyboardInterrupt unwinds
    to the cleanup. SIGINT is installed explicitly: Python gives a process that starts with SIGINT
    ignored (a background job of a non-interactive shell, nohup, some CI runners) no handler
    for it, and such runs went on to the end after `kill -INT`."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        budget.interrupted = signum
        raise KeyboardInterrupt(f"signal {signum}")

    with _stop_signals_handled_by(handler):
        yield


@contextlib.contextmanager
def _sigint_deferred():
    """A second Ctrl-C must not abort the cleanup half-way."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    with _stop_signals_handled_by(signal.SIG_IGN):
        yield


@contextlib.contextmanager
def _stop_signals_handled_by(handler):
    """SIGINT, SIGTERM and SIGHUP go to `handler` for the block; the previous handlers come back after it."""
    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old if old is not None else signal.SIG_DFL)
