"""`grader grade PATH` and `grader grade-many DIR`."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

RUBRIC_HELP = "rails-rubyllm-v1, rails-rubyllm-v2, or a rubric YAML file."


def _fail(message: str, code: int = 2) -> None:
    typer.echo(f"grader: {message}", err=True)
    raise typer.Exit(code=code)


def _load_rubric(name: str):
    from grader.rubric import RubricError, load_rubric

    try:
        return load_rubric(name)
    except RubricError as exc:
        _fail(str(exc))


def _runtime_options(base_image, build_network: bool, gem_mirror):
    from grader.runtime.options import RuntimeOptions  # pydantic only, no docker

    return RuntimeOptions(base_image=base_image, build_network=build_network, gem_mirror=gem_mirror)


def grade_cmd(
    path: str = typer.Argument(..., help="Repository folder, .tar/.tar.gz/.zip archive, or git URL[@commit]."),
    rubric: str = typer.Option(..., "--rubric", "-r", help=RUBRIC_HELP),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for report.json, report.md, report.html."),
    no_runtime: bool = typer.Option(False, "--no-runtime", help="Skip Docker; runtime points stay pending."),
    no_judge: bool = typer.Option(False, "--no-judge", help="Skip the LLM judge; judge points stay pending."),
    base_image: Optional[str] = typer.Option(None, "--base-image", help="Base image for the runtime test image."),
    build_network: bool = typer.Option(False, "--build-network", help="Network during image builds only."),
    gem_mirror: Optional[str] = typer.Option(None, "--gem-mirror", help="Bundler mirror for rubygems.org in builds."),
    ruby_llm_version: Optional[str] = typer.Option(None, "--ruby-llm-version", help="Check against this ruby_llm release."),
) -> None:
    """Grade one repository against a rubric. Exit 1 when the report fails its arithmetic self-check."""
    from grader.ingest import IngestError
    from grader.pipeline import GradeOptions, grade

    rub = _load_rubric(rubric)
    options = GradeOptions(runtime=not no_runtime, judge=not no_judge, base_image=base_image,
                           ruby_llm_version=ruby_llm_version,
                           runtime_options=_runtime_options(base_image, build_network, gem_mirror))
    try:
        report = grade(path, rub, out, options)
    except IngestError as exc:
        _fail(str(exc))
    from grader.report.summary import one_line_summary

    typer.echo(one_line_summary(report))
    for stage in report.stages:
        if stage.status in ("failed", "partial"):
            typer.echo(f"  stage {stage.name} {stage.status}: {stage.detail}", err=True)
    typer.echo(f"reports in {out}/ (report.json, report.md, report.html)")
    if not report.arithmetic_check.ok:
        typer.echo("arithmetic self-check FAILED: " + "; ".join(report.arithmetic_check.problems), err=True)
        raise typer.Exit(code=1)


def grade_many_cmd(
    folder: Path = typer.Argument(..., help="Folder whose sub-folders (and archives) are repositories."),
    rubric: str = typer.Option(..., "--rubric", "-r", help=RUBRIC_HELP),
    out: Path = typer.Option(..., "--out", "-o", help="Folder for one report folder per repo and the leaderboard."),
    jobs: int = typer.Option(0, "--jobs", "-j", help="Repos graded in parallel (default: CPU count, at most 8)."),
    no_runtime: bool = typer.Option(False, "--no-runtime", help="Skip Docker; runtime points stay pending."),
    no_judge: bool = typer.Option(False, "--no-judge", help="Skip the LLM judge; judge points stay pending."),
    base_image: Optional[str] = typer.Option(None, "--base-image", help="Base image for the runtime test image."),
    build_network: bool = typer.Option(False, "--build-network", help="Network during image builds only."),
    gem_mirror: Optional[str] = typer.Option(None, "--gem-mirror", help="Bundler mirror for rubygems.org in builds."),
) -> None:
    """Grade every repository in FOLDER in parallel; write leaderboard.csv/.md/.html sorted by score.

    A repo that fails to grade is listed with its error, never dropped. Exit 1 if any failed."""
    from grader.batch import discover_repos, grade_many
    from grader.pipeline import GradeOptions

    if not folder.is_dir():
        _fail(f"not a folder: {folder}")
    rub = _load_rubric(rubric)
    repos = discover_repos(folder)
    if not repos:
        _fail(f"no repositories (sub-folders or archives) in {folder}")
    options = GradeOptions(runtime=not no_runtime, judge=not no_judge, base_image=base_image,
                           runtime_options=_runtime_options(base_image, build_network, gem_mirror))
    board = grade_many(repos, rub, out, options, jobs=jobs, progress=True)
    failed = [row for row in board.rows if row.error]
    typer.echo(f"graded {len(board.rows) - len(failed)}/{len(board.rows)} repos; leaderboard in {out}/leaderboard.(csv|md|html)")
    for row in failed:
        typer.echo(f"  {row.name}: {row.error}", err=True)
    if failed:
        raise typer.Exit(code=1)
