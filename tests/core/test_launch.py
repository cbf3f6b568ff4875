"""The console entry (grader/launch.py): `grader check` read without typer must mean exactly what
typer reads, hand everything else to typer, and a crash must not look like findings."""

from __future__ import annotations

import subprocess
import sys

import pytest
import typer.main
from locked_app import write_locked_app
from typer.testing import CliRunner

import grader.commands.check as check_module
from grader.cli import app
from grader.commands.check import INTERNAL_ERROR
from grader.launch import CHECK_OPTIONS, check_request

VALID = """class ChatService
  def reply(text)
    RubyLLM.chat(model: "gpt-4o").ask(text).content
  end
end
"""


def typer_request(args: list[str], monkeypatch):
    """The CheckRequest typer builds from `grader ARGS...`, or None when it refuses them."""
    seen = []

    def record(request):
        seen.append(request)
        return 0

    monkeypatch.setattr(check_module, "run_check", record)
    CliRunner().invoke(app, args)
    return seen[0] if seen else None


READ_ALIKE = [
    ["check", "a"],
    ["check", "a", "b", "--format", "json"],
    ["check", "a", "-f", "sarif", "-o", "out/x.sarif"],
    ["check", "--format=json", "a", "--output=r.json"],
    ["check", "a", "-fjson", "-q", "-j2"],
    ["check", "-qj", "auto", "a"],
    ["check", "a", "--jobs", "3", "--jobs", "1"],  # the last wins in both
    ["check", "a", "--ruby-llm-version", "1.6.2", "--config", "c.toml", "--baseline", "b.json"],
    ["check", "a", "--write-baseline", "--untrusted", "--quiet"],
    ["check", "a", "-j", "-1"],
    ["check", "-", "a"],
    ["check", "a", "--format", "nope"],  # read alike; check_paths refuses it
]


@pytest.mark.parametrize("args", READ_ALIKE)
def test_a_command_line_read_here_means_what_typer_reads(args, monkeypatch):
    ours = check_request(args)
    assert ours is not None, args
    assert ours == typer_request(args, monkeypatch)


LEFT_TO_TYPER = [
    ["check"],
    ["check", "-h"],
    ["check", "a", "--help"],
    ["check", "a", "--bogus"],
    ["check", "a", "--form", "json"],  # argparse would take an abbreviation; click does not
    ["check", "-f=json", "a"],  # click keeps the `=` in the value
    ["check", "--", "-x"],
    ["check", "-1"],
    ["check", "a", "-o"],
    ["check", "a", "-o", ""],
    ["check", "a", "-f", "-q"],
    ["--version"],
    ["grade", "a"],
    [],
]


@pytest.mark.parametrize("args", LEFT_TO_TYPER)
def test_anything_else_is_left_to_typer(args):
    assert check_request(args) is None


def test_both_readers_declare_the_same_options():
    command = typer.main.get_command(app).commands["check"]
    declared = {(tuple(sorted(p.opts)), p.name, not p.is_flag) for p in command.params if p.param_type_name == "option"}
    ours = {(tuple(sorted(flags)), dest, takes_value) for flags, dest, takes_value in CHECK_OPTIONS}
    # typer names --format's parameter `format`; CheckRequest calls it fmt
    assert {(f, "fmt" if n == "format" else n, v) for f, n, v in declared} == ours


def run_entry(*args: str, before: str = "") -> subprocess.CompletedProcess:
    code = (f"import sys\n{before}\nsys.argv = ['grader', *{list(args)!r}]\n"
            "import atexit\n"
            "atexit.register(lambda: print('MODULES', sorted(m for m in ('typer', 'click', 'typer._click', 'litellm',"
            " 'docker', 'fastapi', 'sqlalchemy', 'multiprocessing', 'jinja2', 'pydantic') if m in sys.modules), file=sys.stderr))\n"
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


def test_typer_still_reads_what_the_entry_leaves(tmp_path):
    done = run_entry("check", str(tmp_path), "--bogus")
    assert done.returncode == 2
    assert "No such option" in done.stderr


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
