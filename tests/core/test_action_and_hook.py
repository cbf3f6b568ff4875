"""The pre-commit hook (.pre-commit-hooks.yaml) and the GitHub Action (action.yml), each run locally.

What this proves, and what it does not:
- the hook: pre-commit itself (`pre-commit try-repo`) installs this repository as the hook's Python
  environment and runs it in a fresh git repo; it fails on an invented call and passes on clean code.
- the action: its own shell steps are run as written (the install into a fresh venv, `grader check
  --format sarif`, the outputs written to $GITHUB_OUTPUT, the failing step) with `${{ }}` expressions
  and `if:` conditions evaluated by a small reader of the subset action.yml uses. The two `uses:`
  steps are not run: setup-python is this interpreter, and for upload-sarif the test checks that the
  file it would upload is the SARIF log grader wrote. GitHub's runner and the upload are not exercised.
Both install the package (a minute or so each, from the configured package index).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from locked_app import write_locked_app

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow

INVENTED = 'class S\n  def go = RubyLLM.chat.shout("x")\nend\n'
CLEAN = 'class S\n  def go = RubyLLM.chat.ask("x").content\nend\n'


def make_app(root: Path, code: str) -> Path:
    return write_locked_app(root, code, service_file="s.rb")


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=cwd, check=True,
                   capture_output=True)


# ---- pre-commit -----------------------------------------------------------------------------------

def test_pre_commit_hook_runs_through_pre_commit(tmp_path):
    exe = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which("pre-commit")
    if exe is None or shutil.which("git") is None:
        pytest.skip("needs pre-commit and git: .venv/bin/pip install -e '.[dev]'")
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    assert [h["id"] for h in hooks] == ["grader-check"]
    repo = make_app(tmp_path / "app", INVENTED)
    git("init", "-q", ".", cwd=repo)
    git("add", "-A", cwd=repo)
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    env.pop("NO_COLOR", None)

    def try_repo() -> subprocess.CompletedProcess:
        return subprocess.run([exe, "try-repo", str(ROOT), "grader-check", "--all-files", "--color", "never"],
                              cwd=repo, env=env, capture_output=True, text=True, timeout=900)

    failed = try_repo()
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "grader check (RubyLLM API audit)" in failed.stdout and "Failed" in failed.stdout
    assert "app/services/s.rb:2:25: error [rubyllm/unknown-method] `RubyLLM::Chat#shout`" in failed.stdout

    (repo / "app" / "services" / "s.rb").write_text(CLEAN)
    git("add", "-A", cwd=repo)
    passed = try_repo()
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout


# ---- the GitHub Action ------------------------------------------------------------------------------

_EXPRESSION = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")


def _value(term: str, ctx: dict):
    term = term.strip()
    if term.startswith("'") and term.endswith("'"):
        return term[1:-1]
    node = ctx
    for part in term.split("."):
        node = node.get(part, "") if isinstance(node, dict) else ""
    return node


def evaluate(expr: str, ctx: dict):
    """The subset of GitHub's expression language action.yml uses: lookups, '...', ==, &&."""
    results = []
    for clause in expr.split("&&"):
        if "==" in clause:
            left, right = clause.split("==", 1)
            results.append(str(_value(left, ctx)) == str(_value(right, ctx)))
        else:
            results.append(_value(clause, ctx))
    return results[0] if len(results) == 1 else all(results)


def substitute(text: str, ctx: dict) -> str:
    return _EXPRESSION.sub(lambda m: str(evaluate(m.group(1), ctx)), text)


def run_action(inputs: dict[str, str], workspace: Path, python_bin: Path) -> dict:
    """Run action.yml's steps in `workspace`; returns the steps' outputs, their log and how it ended."""
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    assert action["runs"]["using"] == "composite"
    given = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    unknown = set(inputs) - set(given)
    assert not unknown, f"action.yml has no inputs {unknown}"
    ctx: dict = {"inputs": {**given, **inputs}, "steps": {}}
    log: list[tuple[str, str]] = []
    for number, step in enumerate(action["runs"]["steps"]):
        condition = step.get("if")
        if condition is not None and not evaluate(_EXPRESSION.sub(r"\1", condition), ctx):
            log.append((step["name"], "skipped"))
            continue
        if "uses" in step:
            log.append((step["name"], f"uses {step['uses']}"))
            ctx.setdefault("uploads", []).extend(
                [substitute(step["with"]["sarif_file"], ctx)] if "upload-sarif" in step["uses"] else [])
            continue
        outputs = workspace.parent / f"github_output_{number}"
        outputs.write_text("")
        env = {**os.environ, "GITHUB_ACTION_PATH": str(ROOT), "GITHUB_OUTPUT": str(outputs),
               "PATH": f"{python_bin}{os.pathsep}{os.environ['PATH']}", "VIRTUAL_ENV": str(python_bin.parent)}
        env.update({k: substitute(str(v), ctx) for k, v in (step.get("env") or {}).items()})
        script = workspace.parent / f"step_{number}.sh"
        script.write_text(step["run"])
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)], cwd=workspace,
                              env=env, capture_output=True, text=True, timeout=900)
        if "id" in step:
            lines = [line.split("=", 1) for line in outputs.read_text().splitlines() if "=" in line]
            ctx["steps"][step["id"]] = {"outputs": dict(lines)}
        log.append((step["name"], f"exit {done.returncode}: {done.stdout}{done.stderr}"))
        if done.returncode != 0:
            return {"ok": False, "log": log, **ctx}
    return {"ok": True, "log": log, **ctx}


@pytest.fixture(scope="module")
def action_python(tmp_path_factory) -> Path:
    """A fresh venv standing for setup-python's interpreter: the action installs grader into it."""
    venv = tmp_path_factory.mktemp("action") / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    return venv / "bin"


def test_action_checks_uploads_and_fails_on_errors(tmp_path, action_python):
    workspace = make_app(tmp_path / "workspace", INVENTED)
    result = run_action({}, workspace, action_python)
    assert not result["ok"]
    names = [name for name, _ in result["log"]]
    assert names == ["Set up Python", "Install grader", "Run grader check", "Upload SARIF to code scanning",
                     "Fail on error findings"]
    assert result["steps"]["check"]["outputs"] == {"sarif-file": "grader.sarif", "exit-code": "1"}
    assert (action_python / "grader").is_file()  # the install step really installed it
    (uploaded,) = result["uploads"]
    sarif = json.loads((workspace / uploaded).read_text())
    assert sarif["version"] == "2.1.0"
    assert [(r["ruleId"], r["level"]) for r in sarif["runs"][0]["results"]] == [("rubyllm/unknown-method", "error")]
    assert "found error findings" in result["log"][-1][1]


def test_action_passes_on_clean_code_and_honours_inputs(tmp_path, action_python):
    workspace = make_app(tmp_path / "workspace", CLEAN)
    result = run_action({"upload": "false", "sarif-file": "out/results.sarif"}, workspace, action_python)
    assert result["ok"], result["log"]
    assert dict(result["log"])["Upload SARIF to code scanning"] == "skipped"
    assert dict(result["log"])["Fail on error findings"] == "skipped"
    assert result["steps"]["check"]["outputs"]["exit-code"] == "0"
    assert json.loads((workspace / "out" / "results.sarif").read_text())["runs"][0]["results"] == []


def test_action_inputs_cannot_inject_shell(tmp_path, action_python):
    workspace = make_app(tmp_path / "workspace", CLEAN)
    result = run_action({"path": '"; touch injected; echo "', "upload": "false"}, workspace, action_python)
    assert not result["ok"]  # no such path: exit 2 stops the action
    assert "no such path" in result["log"][-1][1]
    assert not (workspace / "injected").exists()
