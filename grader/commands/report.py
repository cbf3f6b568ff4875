"""`grader report render report.json --format html|md|json -o FILE`: re-render a stored report.

Rendering is a pure function of the report, so this needs neither the repo nor any stage, and a
report.json written by `grade` re-renders byte for byte into what `grade` wrote next to it.
"""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn, Optional

import typer

report_app = typer.Typer(help="Work with stored reports (report.json).", no_args_is_help=True)


def _fail(message: str) -> NoReturn:
    from grader.report.escape import terminal_text

    typer.echo(f"grader: {terminal_text(message)}", err=True)
    raise typer.Exit(code=2)


@report_app.command("render")
def render_cmd(
    report: Path = typer.Argument(..., help="A report.json written by `grader grade`."),
    format: str = typer.Option("html", "--format", "-f", help="html, md or json."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write here instead of stdout."),
) -> None:
    """Render a stored report.json as HTML, Markdown or JSON, without the repository."""
    from pydantic import ValidationError

    from grader.report.output import OutputError, write_atomic
    from grader.report.render import FORMATS, load_report, render

    if format not in FORMATS:
        _fail(f"--format must be one of {', '.join(FORMATS)}, not {format!r}")
    if not report.is_file():
        _fail(f"no such report file: {report}")
    try:
        model = load_report(report)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        _fail(f"{report} is not a grader report.json: {where}: {first.get('msg')}")
    except (OSError, ValueError) as exc:
        _fail(f"cannot read {report}: {exc}")
    text = render(model, format)
    if output is None:
        typer.echo(text, nl=False)
        return
    if output.is_dir():
        _fail(f"--output must be a file, and {output} is a folder")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(output, text)
    except OutputError as exc:
        _fail(str(exc))
    except OSError as exc:
        _fail(f"cannot write {output}: {exc.strerror or exc}")
