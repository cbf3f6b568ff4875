"""Options that several commands share, declared once as Annotated types.

`grade` and `grade-many` take the same rubric, stage, runtime and judge options; a parameter written
`rubric: opts.Rubric` gets the same flag names and help in both. Help texts of the judge options live
in grader/commands/judge.py (the `judge` command uses them too).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from grader.commands import judge as judge_help  # help texts only; litellm loads on use

RUBRIC_HELP = "rails-rubyllm-v1, rails-rubyllm-v2, or a rubric YAML file."
CONFIG_HELP = ("Settings file (.grader.toml or pyproject.toml with [tool.grader]); default: the one in the "
               "current folder, never the graded repo's.")

Rubric = Annotated[str, typer.Option("--rubric", "-r", help=RUBRIC_HELP)]
Config = Annotated[Optional[Path], typer.Option("--config", help=CONFIG_HELP)]
NoRuntime = Annotated[bool, typer.Option("--no-runtime", help="Skip Docker; runtime points stay pending.")]
NoJudge = Annotated[bool, typer.Option("--no-judge", help="Skip the LLM judge; judge points stay pending.")]
BaseImage = Annotated[Optional[str], typer.Option(
    "--base-image", help="Base image for the runtime test image (default: the settings file's).")]
# Tri-state, so a settings file's runtime.build-network applies unless the command line says either way.
BuildNetwork = Annotated[Optional[bool], typer.Option(
    "--build-network", show_default=False,
    help="Network during image builds only (default: the settings file's, else off).")]
GemMirror = Annotated[Optional[str], typer.Option(
    "--gem-mirror", help="Bundler mirror for rubygems.org in builds (default: the settings file's).")]
RubyLlmVersion = Annotated[Optional[str], typer.Option(
    "--ruby-llm-version", help="Check against this ruby_llm release (default: the settings file's).")]
JudgeModel = Annotated[Optional[list[str]], typer.Option("--judge-model", help=judge_help.MODEL_HELP)]
JudgeApiBase = Annotated[Optional[str], typer.Option("--judge-api-base", help=judge_help.API_BASE_HELP)]
JudgeSamples = Annotated[int, typer.Option("--judge-samples", help=judge_help.SAMPLES_HELP)]
JudgeCache = Annotated[Optional[Path], typer.Option("--judge-cache", help=judge_help.CACHE_HELP)]
JudgePrice = Annotated[Optional[str], typer.Option("--judge-price", help=judge_help.PRICE_HELP)]
JudgeTokenBudget = Annotated[Optional[int], typer.Option("--judge-token-budget", help=judge_help.BUDGET_HELP)]
JudgeTemperature = Annotated[Optional[float], typer.Option("--judge-temperature", help=judge_help.TEMPERATURE_HELP)]


def fail(message: str, code: int = 2):
    from grader.report.escape import terminal_text

    typer.echo(f"grader: {terminal_text(message)}", err=True)
    raise typer.Exit(code=code)


def operator_config(explicit: Path | None, graded: list[Path] | None = None):
    """The operator's settings (`--config` or the current folder's), or exit 2 with one line."""
    from grader.core.config import ConfigError, config_for_operator

    try:
        loaded = config_for_operator(explicit, graded)
    except ConfigError as exc:
        fail(str(exc))
    if loaded.note:
        typer.echo(f"grader: note: {loaded.note}", err=True)
    return loaded


def ruby_llm_release(flag: str | None, loaded) -> str | None:
    """The release to check against (the flag, else the settings file's), or exit 2 naming the known
    ones: an unknown release would otherwise fail the static stage mid-grade and leave its facts unknown."""
    version = flag or loaded.settings.ruby_llm_version
    if version is None:
        return None
    from static_checks.manifest.index import available_versions

    releases = available_versions("ruby_llm")
    if version not in releases:
        where = "--ruby-llm-version" if flag else f"ruby-llm-version in {loaded.describe()}"
        fail(f"{where}: ruby_llm {version!r} is not a known release; known: {releases[0]} .. {releases[-1]} "
             f"(see `grader check --help`)")
    return version


def runtime_options(settings, base_image: str | None, build_network: bool | None, gem_mirror: str | None, **more):
    """RuntimeOptions from the command line, falling back on the settings file's [runtime] table."""
    from pydantic import ValidationError

    from grader.runtime.options import RuntimeOptions, options_error  # pydantic only, no docker

    runtime = settings.runtime
    try:
        return RuntimeOptions(
            base_image=base_image if base_image is not None else runtime.base_image,
            build_network=build_network if build_network is not None else runtime.build_network,
            gem_mirror=gem_mirror if gem_mirror is not None else runtime.gem_mirror,
            **more,
        )
    except ValidationError as exc:  # e.g. --gem-mirror ftp://..., --run-id with capitals: one line, exit 2
        fail(options_error(exc))
