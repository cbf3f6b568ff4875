"""`grader grade PATH` and `grader grade-many DIR`.

Exit codes: 0 graded, 1 the report failed its arithmetic self-check (or repos failed to grade, or a
renderer broke), 2 bad usage or input (bad path or rubric, an output folder that cannot take the
reports: read-only, full, locked by another run).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, NoReturn, Optional

import typer

from grader.commands import judge as judge_help  # help texts and option parsing; litellm loads on use
from grader.commands import options as opts


def _fail(message: str, code: int = 2) -> NoReturn:
    from grader.report.escape import terminal_text

    typer.echo(f"grader: {terminal_text(message)}", err=True)
    raise typer.Exit(code=code)


def _exit_interrupted(message: str) -> NoReturn:
    """Exit 130 with one line once an interrupted grade has unwound (temp dirs, containers and the
    output lock are released by then). Exits at once rather than through interpreter shutdown: under
    heavy load a SIGTERMed grade was seen (2 runs in about 30) to print this line and still end
    "killed by SIGINT" with no traceback, i.e. CPython deciding at shutdown that a KeyboardInterrupt
    had gone unhandled although it was caught here."""
    import os
    import sys

    from grader.report.escape import terminal_text

    print(f"grader: {terminal_text(message)}", file=sys.stderr, flush=True)
    sys.stdout.flush()
    os._exit(130)


def _load_rubric(name: str):
    from grader.rubric import RubricError, load_rubric

    try:
        return load_rubric(name)
    except RubricError as exc:
        _fail(str(exc))


@contextlib.contextmanager
def terminate_like_interrupt() -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP unwind, so every `finally` (temp dirs, containers, locks) runs, even
    when the first KeyboardInterrupt lands in a finalizer (see grader.core.budget.stop_on_signals)."""
    from grader.core.budget import stop_on_signals

    with stop_on_signals():
        yield


def grade_cmd(
    path: Annotated[str, typer.Argument(help="Repository folder, .tar/.tar.gz/.zip archive, or git URL[@commit].")],
    rubric: opts.Rubric,
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder for report.json, report.md, report.html.")],
    no_runtime: opts.NoRuntime = False,
    no_judge: opts.NoJudge = False,
    base_image: opts.BaseImage = None,
    build_network: opts.BuildNetwork = None,
    gem_mirror: opts.GemMirror = None,
    ruby_llm_version: opts.RubyLlmVersion = None,
    judge_model: opts.JudgeModel = None,
    judge_api_base: opts.JudgeApiBase = None,
    judge_samples: opts.JudgeSamples = 3,
    max_cost: Annotated[Optional[float], typer.Option("--max-cost", help=judge_help.MAX_COST_HELP)] = None,
    judge_cache: opts.JudgeCache = None,
    judge_price: opts.JudgePrice = None,
    judge_token_budget: opts.JudgeTokenBudget = None,
    judge_temperature: opts.JudgeTemperature = None,
    calibration: Annotated[Optional[Path], typer.Option(
        "--calibration", help="Profile correcting the judge scores.")] = None,
    exemplars: Annotated[Optional[Path], typer.Option("--exemplars", help=judge_help.EXEMPLARS_HELP)] = None,
    config: opts.Config = None,
) -> None:
    """Grade one repository against a rubric. Exit 1 when the report fails its arithmetic self-check."""
    from grader.ingest import IngestError
    from grader.pipeline import GradeOptions, NotARubyApp, grade
    from grader.report.escape import terminal_text
    from grader.report.output import OutputError
    from grader.report.render import RenderError

    from grader.commands.progress import stage_progress

    rub = _load_rubric(rubric)
    if out.exists() and not out.is_dir():
        _fail(f"--out must be a folder, and {out} is a file")
    loaded = opts.operator_config(config, [Path(path)])
    settings = loaded.settings
    runtime_options = opts.runtime_options(settings, base_image, build_network, gem_mirror)
    options = GradeOptions(runtime=not no_runtime, judge=not no_judge, base_image=runtime_options.base_image,
                           ruby_llm_version=opts.ruby_llm_release(ruby_llm_version, loaded),
                           runtime_options=runtime_options,
                           judge_options=judge_help.judge_options(judge_model, judge_api_base, judge_samples,
                                                                  max_cost, judge_cache, judge_price,
                                                                  token_budget=judge_token_budget,
                                                                  temperature=judge_temperature))
    judge_help.with_exemplars(options.judge_options, exemplars, rub, path)
    if calibration is not None:  # wraps the judge stage: see calibration/apply.py
        from grader.commands.calibrate import calibration_stages

        options.stages = calibration_stages(calibration, rub)
    try:
        with terminate_like_interrupt(), stage_progress() as progress:
            report = grade(path, rub, out, options, progress=progress)
    except (IngestError, OutputError, NotARubyApp) as exc:
        _fail(str(exc))
    except RenderError as exc:
        _fail(f"reports in {out} incomplete: {exc}", code=1)
    except KeyboardInterrupt:
        _exit_interrupted("interrupted: nothing written")
    from grader.report.summary import one_line_summary

    typer.echo(terminal_text(one_line_summary(report)))
    for stage in report.stages:  # every stage that did not run in full, with its reason
        if stage.status != "ok":
            typer.echo(terminal_text(f"  stage {stage.name} {stage.status}: {stage.detail}"), err=True)
    typer.echo(f"reports in {terminal_text(out)}/ (report.json, report.md, report.html)")
    if not report.arithmetic_check.ok:
        typer.echo("arithmetic self-check FAILED: " + "; ".join(report.arithmetic_check.problems), err=True)
        raise typer.Exit(code=1)


def grade_many_cmd(
    folder: Annotated[Path, typer.Argument(help="Folder whose sub-folders (and archives) are repositories.")],
    rubric: opts.Rubric,
    out: Annotated[Path, typer.Option(
        "--out", "-o", help="Folder for one report folder per repo and the leaderboard.")],
    jobs: Annotated[int, typer.Option(
        "--jobs", "-j", show_default=False,  # 0 stands for the CPU count: "[default: 0]" would mislead
        help="Repos graded in parallel (default: CPU count, at most 8).")] = 0,
    no_runtime: opts.NoRuntime = False,
    no_judge: opts.NoJudge = False,
    base_image: opts.BaseImage = None,
    build_network: opts.BuildNetwork = None,
    gem_mirror: opts.GemMirror = None,
    ruby_llm_version: opts.RubyLlmVersion = None,
    judge_model: opts.JudgeModel = None,
    judge_api_base: opts.JudgeApiBase = None,
    judge_samples: opts.JudgeSamples = 3,
    max_cost: Annotated[Optional[float], typer.Option("--max-cost", help=judge_help.MAX_COST_RUN_HELP)] = None,
    judge_cache: opts.JudgeCache = None,
    judge_price: opts.JudgePrice = None,
    judge_token_budget: opts.JudgeTokenBudget = None,
    judge_temperature: opts.JudgeTemperature = None,
    config: opts.Config = None,
) -> None:
    """Grade every repository in FOLDER in parallel; write leaderboard.csv/.md/.html sorted by score.

    A repo that fails to grade is listed with its error, never dropped. Exit 1 if any failed."""
    from grader.batch import discover_repos, grade_many
    from grader.pipeline import GradeOptions
    from grader.report.escape import terminal_text
    from grader.report.output import OutputError, locked_output_dir

    if not folder.is_dir():
        _fail(f"not a folder: {folder}")
    if jobs < 0:
        _fail(f"--jobs must be 0 (automatic) or a positive number, not {jobs}")
    if out.exists() and not out.is_dir():
        _fail(f"--out must be a folder, and {out} is a file")
    rub = _load_rubric(rubric)
    loaded = opts.operator_config(config, [folder])
    settings = loaded.settings
    release = opts.ruby_llm_release(ruby_llm_version, loaded)
    skipped: list[str] = []
    repos = discover_repos(folder, skipped)
    for note in skipped:
        typer.echo(terminal_text(f"grader: skipped {note}"), err=True)
    if not repos:
        _fail(f"no repositories (sub-folders or archives) in {folder}")
    judge_opts = judge_help.judge_options(judge_model, judge_api_base, judge_samples, max_cost, judge_cache,
                                          judge_price, token_budget=judge_token_budget,
                                          temperature=judge_temperature)
    if max_cost is not None:  # one budget for the whole run, shared by the worker processes
        judge_opts.budget_ledger = out / ".judge-budget.sqlite3"
        judge_opts.budget_ledger.unlink(missing_ok=True)
    runtime_options = opts.runtime_options(settings, base_image, build_network, gem_mirror)
    options = GradeOptions(runtime=not no_runtime, judge=not no_judge, base_image=runtime_options.base_image,
                           ruby_llm_version=release, runtime_options=runtime_options, judge_options=judge_opts)
    try:
        with terminate_like_interrupt(), locked_output_dir(out):
            board = grade_many(repos, rub, out, options, jobs=jobs, progress=True)
    except OutputError as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        _exit_interrupted("interrupted: leaderboard not written")
    failed = [row for row in board.rows if row.error]
    typer.echo(f"graded {len(board.rows) - len(failed)}/{len(board.rows)} repos; "
               f"leaderboard in {terminal_text(out)}/leaderboard.(csv|md|html)")
    if judge_model and not no_judge:
        from grader.judge.totals import run_totals, totals_line

        typer.echo(totals_line(run_totals([out / r.report_dir / "report.json" for r in board.rows if r.report_dir])))
    for row in failed:
        typer.echo(terminal_text(f"  {row.name}: {row.error}"), err=True)
    if failed:
        raise typer.Exit(code=1)
