"""`grader runtime ...`: run the runtime stage on one repo, or clean up what killed runs left."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from grader.commands import options as opts  # shared flags and the settings file; no docker import

runtime_app = typer.Typer(help="Build, boot, test and gate a repo inside Docker (sandboxed).", no_args_is_help=True,
                          add_completion=False, pretty_exceptions_enable=False)


@runtime_app.command("run")
def run_cmd(
    path: Path = typer.Argument(..., exists=True, file_okay=False, help="Repository folder."),
    base_image: Optional[str] = typer.Option(None, "--base-image", help="Image the test image starts from."),
    profile: Optional[str] = typer.Option(None, "--profile", help="Runtime profile (default: detected)."),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
    budget: float = typer.Option(1500, "--budget", help="Seconds for the whole stage."),
    boot_timeout: Optional[float] = typer.Option(None, "--boot-timeout", help="Seconds to wait for the app."),
    tests_timeout: Optional[float] = typer.Option(None, "--tests-timeout", help="Seconds for the test suite."),
    build_network: opts.BuildNetwork = None,
    gem_mirror: opts.GemMirror = None,
    no_repo_build: bool = typer.Option(False, "--no-repo-build", help="Do not build the repo's own Dockerfile."),
    compose_up: bool = typer.Option(False, "--compose-up", help="Also start the compose web service and probe it."),
    run_id: Optional[str] = typer.Option(None, "--run-id", help="Label value for this run (default: random)."),
    parallel_steps: int = typer.Option(2, "--parallel-steps", help="Run tests and gates this many at a time."),
    config: opts.Config = None,
) -> None:
    """Run the runtime stage on PATH and print its report. Exit 0 when the stage ran the app, 3 when it
    was skipped or booted, tested and gated nothing (its images failed, or it stopped before)."""
    from pydantic import ValidationError

    from grader.runtime import Timeouts, run_runtime
    from grader.runtime.options import options_error

    try:  # a bad value is one line and exit 2, before any docker work
        timeouts = Timeouts()
        if boot_timeout is not None:
            timeouts.boot = boot_timeout
        if tests_timeout is not None:
            timeouts.tests = tests_timeout
    except ValidationError as exc:
        opts.fail(options_error(exc))
    settings = opts.operator_config(config, [path]).settings  # the operator's, never the repo's
    options = opts.runtime_options(settings, base_image, build_network, gem_mirror, profile=profile,
                                   budget=budget, timeouts=timeouts, build_repo_dockerfile=not no_repo_build,
                                   run_id=run_id, compose_up=compose_up, parallel_steps=parallel_steps)
    try:
        report = run_runtime(path, options)
    except KeyboardInterrupt:
        typer.echo("grader runtime: interrupted; containers of this run were removed", err=True)
        raise typer.Exit(code=130)
    if as_json:
        typer.echo(report.model_dump_json(indent=2))
        if not report.measured_the_app() and report.skipped_reason:  # the JSON's reader may watch only stderr
            typer.echo(f"grader runtime: {report.skipped_reason}", err=True)
    else:
        _print_summary(report)
    # 0 only when the app itself was booted, tested or gated (good or bad): the report's status says why not.
    raise typer.Exit(code=0 if report.measured_the_app() else 3)


def _print_summary(report) -> None:
    """A table on a terminal (a long word in a detail folds onto the next line, never cut); one plain line
    per step when piped, each detail whole, so logs and grep see all of it at any width."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if report.skipped_reason:
        console.print(f"runtime stage {report.status.value}: {report.skipped_reason}", markup=False, soft_wrap=True)
    if report.status.value == "skipped" and not report.engine:
        return
    title = f"runtime {report.run_id} ({report.profile or 'no profile'}, {report.duration_seconds}s)"
    rows = [(name, step.status.value, f"{step.duration_seconds:.1f}", detail) for name, step, detail in _rows(report)]
    if not console.is_terminal:
        width = max(len(name) for name, *_ in rows)
        typer.echo(title)
        for name, status, seconds, detail in rows:
            typer.echo(f"{name:<{width}}  {status:<14} {seconds:>6}s  {detail}".rstrip())
        return
    table = Table(title=title)
    for column in ("step", "status", "seconds"):
        table.add_column(column, no_wrap=True)
    table.add_column("detail", overflow="fold")
    for row in rows:
        table.add_row(*row)
    console.print(table)


def _rows(report) -> list[tuple[str, object, str]]:
    """(step name, step, detail) for each step, in the order they run."""
    t, b, g, image = report.tests, report.boot, report.gates, report.test_image
    return [
        ("build", report.build, report.build.reason or ""),
        ("test image", image, image.reason or image.base_choice or image.base_image or ""),
        ("boot", b, f"HTTP {b.http_status} ready {b.ready_seconds}s turbo={b.turbo} stimulus={b.stimulus} "
                    f"chat_form={b.chat_form}" if b.http_status else (b.reason or "")),
        ("tests", t, f"{t.runs} runs, {t.assertions} assertions, {t.failures} failures, {t.errors} errors, "
                     f"{t.skips} skips; line {t.line_coverage}% branch {t.branch_coverage}%" if t.runs is not None
                     else (t.reason or "")),
        ("rubocop", g.rubocop, _count(g.rubocop, g.rubocop.offenses, "offenses")),
        ("brakeman", g.brakeman, _count(g.brakeman, g.brakeman.warnings, "warnings")),
        ("bundle-audit", g.bundle_audit, _count(g.bundle_audit, g.bundle_audit.vulnerabilities, "vulnerable")),
        ("compose", report.compose, report.compose.file or report.compose.reason or ""),
        ("compose up", report.compose.up, f"HTTP {report.compose.up.http_status}" if report.compose.up.http_status
         else (report.compose.up.reason or "")),
    ]


def _count(step, count, noun: str) -> str:
    return f"{count} {noun}" if count is not None else (step.reason or "")


@runtime_app.command("clean")
def clean_cmd(
    include_live: bool = typer.Option(False, "--all", help="Also runs in progress and the gem caches."),
) -> None:
    """Remove containers, images and volumes labelled grader.managed=true that killed runs left behind."""
    from grader.runtime import engine

    try:
        client = engine.connect()
    except engine.EngineUnavailable as exc:
        typer.echo(f"grader runtime clean: {exc}", err=True)
        raise typer.Exit(code=3)
    removed, kept = engine.clean_all(client, include_live=include_live)
    typer.echo(f"removed {len(removed)} object(s)" + (": " + ", ".join(removed) if removed else ""))
    if kept:
        typer.echo(kept_line(kept))


def kept_line(kept) -> str:
    """What `clean` left in place, in words true to the objects: the gem caches (tagged images) with
    the layers they consist of, and the containers, images and volumes of runs still in progress."""
    from collections import Counter

    from grader.runtime.engine import KeptBecause

    counts = Counter(entry.why for entry in kept)
    parts = []
    caches, cache_layers = counts[KeptBecause.gem_cache], counts[KeptBecause.gem_cache] + counts[
        KeptBecause.cache_layer]
    if cache_layers:
        parts.append(f"{_amount(caches, 'gem cache')} ({_amount(cache_layers, 'layer')}) that later runs reuse")
    live = Counter(entry.kind for entry in kept if entry.why is KeptBecause.live)
    if live:
        kinds = [_amount(live[kind], kind) for kind in ("container", "image", "volume") if live[kind]]
        parts.append(f"{_and(kinds)} of grading runs still in progress")
    if counts[KeptBecause.under_live]:
        parts.append(f"{_amount(counts[KeptBecause.under_live], 'layer')} that runs in progress build on")
    return f"kept {'; '.join(parts)} (--all removes them too)"


def _amount(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def main() -> None:  # pragma: no cover - `python -m grader.runtime`
    runtime_app(prog_name="grader runtime")


if __name__ == "__main__":  # pragma: no cover
    main()
