"""`grader rubric validate FILE` and `grader rubric show NAME`."""

from __future__ import annotations

from pathlib import Path

import typer

rubric_app = typer.Typer(help="Validate and show rubric files.", no_args_is_help=True)


def _exists_or_exit(name: str) -> None:
    """A name that is neither a file nor a named rubric: one line listing the named ones, exit 2."""
    from grader.rubric import available_rubrics

    if not Path(name).is_file() and name not in available_rubrics():
        typer.echo(f"grader: no rubric file or named rubric {name!r} (named rubrics: "
                   f"{', '.join(available_rubrics())})", err=True)
        raise typer.Exit(code=2)


@rubric_app.command("validate")
def validate_cmd(file: str = typer.Argument(..., help="Rubric YAML file (or a named rubric).")) -> None:
    """Check a rubric file; errors name the YAML line. Warns about fact ids no stage emits."""
    from grader.rubric import RubricError, load_rubric
    from grader.rubric.catalogs import known_fact_ids

    _exists_or_exit(file)
    try:
        rubric = load_rubric(file)
    except RubricError as exc:
        for line, msg in exc.problems:
            typer.echo(f"{exc.source}:{line or '?'}: {msg}", err=True)
        raise typer.Exit(code=1)
    known, unread = known_fact_ids()
    unknown = sorted(i for i in rubric.fact_ids() if i not in known)
    for path in unread:
        typer.echo(f"warning: fact catalog not readable: {path}", err=True)
    for fid in unknown:
        typer.echo(f"warning: fact id {fid!r} is in no stage's catalog: rules over it stay pending", err=True)
    typer.echo(f"{rubric.id}: valid ({len(rubric.dimensions)} dimensions, {rubric.max_total:g} points, "
               f"{len(rubric.deductions)} deductions, {len(rubric.bonuses)} bonuses, "
               f"{len(rubric.judge_criteria)} judge criteria)")


@rubric_app.command("show")
def show_cmd(name: str = typer.Argument(..., help="Named rubric (e.g. rails-rubyllm-v2) or a file.")) -> None:
    """Print a rubric's dimensions, tiers, deductions and judge criteria."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from grader.rubric import RubricError, load_rubric

    _exists_or_exit(name)
    try:
        r = load_rubric(name)
    except RubricError as exc:  # a file with problems: one line per problem, each naming its YAML line
        for line, msg in exc.problems:
            typer.echo(f"{exc.source}:{line or '?'}: {msg}", err=True)
        raise typer.Exit(code=2)
    console = Console()
    console.print(f"[bold]{escape(r.id)}[/bold]: {escape(r.title)} ({r.max_total:g} points)")
    console.print("tiers: " + ", ".join(f"{t.name} ≥ {t.min:g}" for t in r.tiers))
    for dim in r.dimensions:
        title = f"{dim.title} [{dim.id}] max {dim.max:g}" + (f", floor {dim.floor:g}" if dim.floor else "")
        table = Table(title=escape(title), title_justify="left", show_lines=False)
        # Ids are what a user types into a rubric file: never cut, whatever the width (a pipe is 80).
        ids = [x.id for x in (*r.deductions, *r.bonuses, *r.judge_criteria) if x.dimension == dim.id]
        table.add_column("id", no_wrap=True, min_width=max(map(len, ids), default=2))
        table.add_column("effect", justify="right", overflow="fold")
        table.add_column("when", overflow="fold")  # folded, never cut with an ellipsis
        table.add_column("reason", overflow="fold")
        for d in r.deductions:
            if d.dimension == dim.id:
                value = {"points": d.points, "cap": d.cap, "floor": d.floor}[d.kind]
                effect = ((f"-{value:g}" + (f" × {d.per}" if d.per else "")
                           + (f", at most {d.max_points:g}" if d.max_points else ""))
                          if d.kind == "points" else f"{d.kind} {value:g}")
                table.add_row(escape(d.id), effect, escape(d.when.describe()) if d.when else "always", escape(d.reason))
        for b in r.bonuses:
            if b.dimension == dim.id:
                table.add_row(escape(b.id), f"+{b.points:g}", escape(b.when.describe()), escape(b.reason))
        for j in r.judge_criteria:
            if j.dimension == dim.id:
                table.add_row(escape(j.id), f"judge {j.points:g}",
                              escape(j.applies_when.describe()) if j.applies_when else "always",
                              escape(" ".join(j.question.split())))
        console.print(table)
