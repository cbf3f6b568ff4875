"""The `grader` command.

Sub-commands import their stage lazily: `grader check` must stay fast and must never
import docker, litellm or the report renderers.
"""

from __future__ import annotations

from typing import NoReturn

import typer
from typer.core import TyperCommand
from grader.commands.help_format import PlainHelpGroup, plain_help
from grader.launch import CHECK_SUMMARY, check_command


class GraderGroup(PlainHelpGroup):
    """The root group; its sub-commands exist when it is built, so their help is fixed once here."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        plain_help(self)


app = typer.Typer(
    cls=GraderGroup,
    name="grader",
    help="Grade coding-agent repositories: static analysis, runtime checks, LLM judge, rubric scoring.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        from grader import __version__

        typer.echo(f"grader {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """Grade coding-agent repositories: static analysis, runtime checks, LLM judge, rubric scoring."""


def _fail_input(message: str) -> NoReturn:
    from grader.report.escape import terminal_text

    typer.echo(f"grader: {terminal_text(message)}", err=True)
    raise typer.Exit(code=2)


class _ArgsAsGiven(TyperCommand):
    """`check` reads its own command line (grader/launch.py, its one reader, fast without typer):
    click hands over every word as given, `--` included."""

    def parse_args(self, ctx, args: list[str]) -> list[str]:
        ctx.args = list(args)
        return ctx.args


@app.command("check", cls=_ArgsAsGiven, add_help_option=False, help=CHECK_SUMMARY)
def check_cmd(ctx: typer.Context) -> None:
    raise typer.Exit(code=check_command(ctx.args))


def _add_manifest_app() -> None:
    # Imports typer only; the extractor and git access load when a manifest command runs.
    from static_checks.manifest.cli import manifest_app

    app.add_typer(manifest_app, name="manifest")


_add_manifest_app()


def _add_runtime_app() -> None:
    # Imports typer only; the docker SDK loads when `grader runtime run|clean` executes.
    from grader.runtime.cli import runtime_app

    app.add_typer(runtime_app, name="runtime")


_add_runtime_app()


def _add_grade_commands() -> None:
    # Imports typer only; the pipeline, scoring and renderers load when a command runs.
    from grader.commands.grade import grade_cmd, grade_many_cmd
    from grader.commands.rubric import rubric_app
    from grader.commands.report import report_app
    from grader.commands.rules import rules_app

    app.command("grade")(grade_cmd)
    app.command("grade-many")(grade_many_cmd)
    app.add_typer(rubric_app, name="rubric")
    app.add_typer(rules_app, name="rules")
    app.add_typer(report_app, name="report")
    app.command("judge")(__import__("grader.commands.judge", fromlist=["judge_cmd"]).judge_cmd)  # litellm loads on use


_add_grade_commands()


def _add_calibrate_app() -> None:
    # Imports typer only; numpy, scipy and scikit-learn load when a calibrate command runs.
    from grader.commands.calibrate import calibrate_app

    app.add_typer(calibrate_app, name="calibrate")


_add_calibrate_app()


def _add_service_commands() -> None:
    # Imports typer only; fastapi, sqlalchemy and celery load when a service command runs.
    from grader.commands.serve import db_app, serve_app, worker_cmd

    app.add_typer(serve_app, name="serve")
    app.add_typer(db_app, name="db")
    app.command("worker")(worker_cmd)


_add_service_commands()


def main() -> None:  # pragma: no cover - console entry
    # `grader check` is read without typer when it can be (grader/launch.py, the installed entry point)
    from grader.launch import main as launch

    launch()


if __name__ == "__main__":  # pragma: no cover
    main()
