"""Help of every command as a pipe shows it: plain metavars (`PATH`, `TEXT`), nothing after a flag,
no typer tags (`<str>`, `{PATH}`), help text as written (`URL[@commit]`) and nothing cut."""

from __future__ import annotations

import re

import click
import typer.main
from typer.testing import CliRunner

from grader.cli import app

runner = CliRunner()


def every_command_path() -> list[list[str]]:
    root = typer.main.get_command(app)
    paths: list[list[str]] = []

    def walk(cmd: click.Command, prefix: list[str]) -> None:
        paths.append(prefix)
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, [*prefix, name])

    walk(root, [])
    return paths


def test_every_help_is_plain_and_whole():
    paths = every_command_path()
    assert len(paths) > 25  # the whole tree was walked
    for path in paths:
        res = runner.invoke(app, [*path, "-h"], env={"COLUMNS": "100"})
        assert res.exit_code == 0, (path, res.output)
        text = res.output
        assert not re.search(r"<(str|int|bool|float|path|list\[[a-z]+\])>", text, re.I), (path, text)
        assert not re.search(r"\{[A-Z_]+\}", text), (path, text)
        assert "…" not in text, (path, text)
        assert "\x1b" not in text


def test_usage_lines_and_brackets_in_help():
    check = runner.invoke(app, ["check", "-h"]).output
    assert "Usage: grader check [OPTIONS] PATHS..." in check
    assert "URL[@commit]" in check
    grade = runner.invoke(app, ["grade", "-h"], env={"COLUMNS": "120"}).output
    assert "Usage: grader grade [OPTIONS] PATH" in grade
    assert re.search(r"--judge-model\s+TEXT", grade)  # one value per use, not LIST[STR]
    assert re.search(r"--build-network\s+Network", grade)  # a flag shows no type


def test_grade_and_grade_many_share_their_option_declarations():
    root = typer.main.get_command(app)

    def options(name: str) -> dict[str, tuple]:
        return {p.name: (tuple(p.opts), p.help) for p in root.commands[name].params
                if p.param_type_name == "option"}

    grade, many = options("grade"), options("grade-many")
    shared = set(grade) & set(many)
    assert {"rubric", "no_runtime", "no_judge", "base_image", "build_network", "gem_mirror", "ruby_llm_version",
            "judge_model", "judge_api_base", "judge_samples", "judge_cache", "judge_price", "judge_token_budget",
            "config"} <= shared
    assert all(grade[n] == many[n] for n in shared - {"out", "max_cost"})


def test_no_option_shows_a_default_its_help_contradicts():
    """An option whose help says its default in words ("default: CPU count") must not also show the
    placeholder value typer would print ("[default: 0]"): help shows true defaults."""
    root = typer.main.get_command(app)
    contradicted = []

    def walk(cmd, prefix: list[str]) -> None:
        for p in cmd.params:
            if p.param_type_name != "option" or getattr(p, "is_flag", False):
                continue
            says_default = "default" in (p.help or "").lower()
            shown = p.show_default is not False and p.default is not None and p.default not in ((), [])
            if says_default and shown:
                contradicted.append((" ".join(prefix), p.name, p.default))
        for name, sub in getattr(cmd, "commands", {}).items():
            walk(sub, [*prefix, name])

    walk(root, [])
    assert contradicted == []
    many = runner.invoke(app, ["grade-many", "-h"], env={"COLUMNS": "200"}).output
    jobs = next(line for line in many.splitlines() if "--jobs" in line)
    assert "CPU count" in jobs and "[default: 0]" not in many
