"""`grader rules` lists the static rules with their docs; `grader rules show ID` prints one with examples."""

from __future__ import annotations

import typer

rules_app = typer.Typer(help="List the static analysis rules and their docs.", invoke_without_command=True)


@rules_app.callback()
def list_cmd(ctx: typer.Context) -> None:
    """Every rule: id, default severity, category, kind of proof, what it reports and why."""
    if ctx.invoked_subcommand is not None:
        return
    from static_checks.output.rule_docs import list_text
    from static_checks.rules import all_rules
    from static_checks.text_rules import text_rules

    typer.echo(list_text(all_rules()), nl=False)
    typer.echo(list_text(text_rules(), noun="rules over the repository's text"), nl=False)


@rules_app.command("show")
def show_cmd(
    rule_id: str = typer.Argument(..., metavar="ID", help="Rule id, e.g. rubyllm/unknown-method or unknown-method."),
    markdown: bool = typer.Option(False, "--markdown", help="Print the Markdown that SARIF `help` carries."),
) -> None:
    """One rule in full: summary, why it matters, its proof, and a bad and a good example."""
    from static_checks.output.rule_docs import find_rule, rule_markdown, rule_text
    from static_checks.rules import rule_ids

    rule = find_rule(rule_id)
    if rule is None:
        from static_checks.text_rules import text_rules

        known = rule_ids() + [r.id for r in text_rules()]
        typer.echo(f"grader: unknown rule {rule_id!r}; known: {', '.join(known)}", err=True)
        raise typer.Exit(code=2)
    typer.echo(rule_markdown(rule) if markdown else rule_text(rule), nl=False)
