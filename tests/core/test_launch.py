"""The console entry (grader/launch.py), the one reader of `grader check`'s command line: the same request,
help and usage errors whether `check` is reached from the entry or through typer's app; everything else is
typer's, and a crash must not look like findings."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from locked_app import write_locked_app
from typer.testing import CliRunner

import grader.commands.check as check_module
from grader.cli import app
from grader.commands.check import INTERNAL_ERROR, CheckRequest
from grader.launch import CHECK_OPTIONS, CheckUsageError, check_help, check_request

VALID = """class ChatService
  def reply(text)
    RubyLLM.chat(model: "gpt-4o").ask(text).content
  end
end
"""


def typer_request(args: list[str], monkeypatch):
    """The CheckRequest `grader ARGS...` reaches run_check with through typer's app, or None."""
    seen = []

    def record(request):
        seen.append(request)
        return 0

    monkeypatch.setattr(check_module, "run_check", record)
    CliRunner().invoke(app, args)
    return seen[0] if seen else None


READ = [
    (["a"], CheckRequest(paths=["a"])),
    (["a", "b", "--format", "json"], CheckRequest(paths=["a", "b"], fmt="json")),
    (["a", "-f", "sarif", "-o", "out/x.sarif"], CheckRequest(paths=["a"], fmt="sarif", output=Path("out/x.sarif"))),
    (["--format=json", "a", "--output=r.json"], CheckRequest(paths=["a"], fmt="json", output=Path("r.json"))),
    (["a", "-fjson", "-q", "-j2"], CheckRequest(paths=["a"], fmt="json", quiet=True, jobs="2")),
    (["-qj", "auto", "a"], CheckRequest(paths=["a"], quiet=True, jobs="auto")),
    (["a", "--jobs", "3", "--jobs", "1"], CheckRequest(paths=["a"], jobs="1")),  # the last wins
    (["a", "--ruby-llm-version", "1.6.2", "--config", "c.toml", "--baseline", "b.json"],
     CheckRequest(paths=["a"], ruby_llm_version="1.6.2", config=Path("c.toml"), baseline=Path("b.json"))),
    (["a", "--write-baseline", "--untrusted", "--quiet"],
     CheckRequest(paths=["a"], write_baseline=True, untrusted=True, quiet=True)),
    (["a", "-j", "-1"], CheckRequest(paths=["a"], jobs="-1")),  # a value, refused later by the check
    (["-", "a"], CheckRequest(paths=["-", "a"])),
    (["a", "--format", "nope"], CheckRequest(paths=["a"], fmt="nope")),  # check_paths refuses it
    (["-q", "--", "-x", "--help"], CheckRequest(paths=["-x", "--help"], quiet=True)),  # after `--`: paths
]


@pytest.mark.parametrize("args,expected", READ, ids=[" ".join(a) for a, _ in READ])
def test_a_command_line_means_one_request_from_either_entry(args, expected, monkeypatch):
    assert check_request(args) == expected
    assert typer_request(["check", *args], monkeypatch) == expected


REFUSED = [
    ([], "missing PATHS"),
    (["a", "--bogus"], "unrecognized arguments: --bogus"),
    (["a", "--form", "json"], "unrecognized arguments: --form"),  # no abbreviations
    (["-1"], "no such option: -1"),
    (["a", "-o"], "argument --output/-o: expected one argument"),
]


@pytest.mark.parametrize("args,words", REFUSED, ids=[" ".join(a) or "nothing" for a, _ in REFUSED])
def test_bad_usage_is_one_line_and_exit_2_from_either_entry(args, words):
    with pytest.raises(CheckUsageError, match=words):
        check_request(args)
    through_typer = CliRunner().invoke(app, ["check", *args])
    lines = through_typer.output.splitlines()
    assert through_typer.exit_code == 2 and len(lines) == 1
    assert lines[0].startswith(f"grader: {words}") and lines[0].endswith("(see grader check -h)")
    done = run_entry("check", *args)
    assert done.returncode == 2 and done.stderr.splitlines()[0] == lines[0]  # then run_entry's MODULES line


def test_help_is_the_same_text_from_either_entry():
    text = check_help()
    assert text.startswith("Usage: grader check [OPTIONS] PATHS...")
    for flags, _dest, _metavar, helped in CHECK_OPTIONS:
        assert all(flag in text for flag in flags) and helped.split(" ")[0] in text
    assert check_request(["a", "-h"]) is None and check_request(["--help"]) is None
    assert CliRunner().invoke(app, ["check", "-h"]).output == text
    assert run_entry("check", "a", "--help").stdout == text


def test_other_commands_are_typers():
    done = run_entry("--version")
    assert done.returncode == 0 and done.stdout.startswith("grader ")
    assert "typer" in done.stderr  # the MODULES line: the full CLI was loaded


def run_entry(*args: str, before: str = "") -> subprocess.CompletedProcess:
    code = (f"import sys\n{before}\nsys.argv = ['grader', *{list(args)!r}]\n"
            "import atexit\n"
            "atexit.register(lambda: print('MODULES', sorted(m for m in ('typer', 'click', 'typer._click', 'litellm',"
            " 'docker', 'fastapi', 'sqlalchemy', 'multiprocessing', 'jinja2', 'pydantic') if m in sys.modules),"
            " file=sys.stderr))\n"
            "from grader.launch import main\nmain()\n")
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_check_of_one_app_starts_without_typer_pydantic_or_a_heavy_stage(tmp_path):
    app_dir = write_locked_app(tmp_path / "app", VALID)
    done = run_entry("check", str(app_dir), "--format", "json", "-o", str(tmp_path / "r.json"))
    assert done.returncode == 0, done.stderr
    assert "MODULES []" in done.stderr
    assert '"findings"' in (tmp_path / "r.json").read_text()


def test_bad_input_through_the_entry_is_one_line_and_exit_2(tmp_path):
    done = run_entry("check", str(tmp_path / "missing"))
    assert done.returncode == 2
    assert done.stderr.splitlines()[0] == f"grader: no such path: {tmp_path / 'missing'}"


CRASH = ("import static_checks.engine as engine\n"
         "def boom(*a, **k):\n    raise RuntimeError('planted bug')\n"
         "engine.check_path = boom\n")


def test_an_internal_error_exits_70_with_its_traceback(tmp_path):
    done = run_entry("check", str(tmp_path), "--format", "json", before=CRASH)
    assert done.returncode == INTERNAL_ERROR == 70
    assert "Traceback" in done.stderr and "RuntimeError: planted bug" in done.stderr
    assert "grader: internal error" in done.stderr
    assert done.stdout == ""


def test_an_internal_error_through_typer_exits_70(tmp_path, monkeypatch):
    import static_checks.engine as engine

    def boom(*_args, **_kwargs):
        raise RuntimeError("planted bug")

    monkeypatch.setattr(engine, "check_path", boom)
    result = CliRunner().invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == INTERNAL_ERROR
    assert "RuntimeError: planted bug" in result.output


def test_an_empty_folder_loads_neither_the_parser_nor_the_rules(tmp_path):
    """The start-up budget of `grader check`, as the modules it loads: nothing for code it does not have."""
    (tmp_path / "empty").mkdir()
    code = ("import sys\n"
            f"sys.argv = ['grader', 'check', {str(tmp_path / 'empty')!r}, '--format', 'json', '-o', "
            f"{str(tmp_path / 'r.json')!r}]\n"
            "import atexit\n"
            "atexit.register(lambda: print('MODULES', sorted(m for m in sys.modules if m.split('.')[0] in "
            "('typer', 'click', 'yaml', 'tree_sitter', 'multiprocessing') or m.startswith(("
            "'static_checks.rules', 'static_checks.text_rules', 'static_checks.types', 'static_checks.parsing',"
            " 'static_checks.context'))), file=sys.stderr))\n"
            "from grader.launch import main\nmain()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "MODULES []" in done.stderr
