"""`grader check` end to end, as a user runs it: a real process, real files, real exit codes."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from locked_app import write_locked_app


INVENTED = """class ChatService
  def initialize
    @client = RubyLLM::Client.new(api_key: ENV["OPENROUTER_API_KEY"])
  end
end
"""

VALID = """class ChatService
  # RubyLLM::Client.new is not a thing; this comment must not be flagged
  def reply(text)
    chat = RubyLLM.chat(model: "anthropic/claude-sonnet-4")
    chat.ask(text).content
  end
end
"""


def grader(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("grader")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, cwd=cwd, timeout=120)


def make_app(root: Path, service: str) -> Path:
    return write_locked_app(root, service)


def test_invented_class_exits_1_with_json_contract(tmp_path):
    app = make_app(tmp_path / "bad", INVENTED)
    done = grader("check", str(app), "--format", "json")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    assert {"schema_version", "tool_version", "roots", "findings"} <= set(report)
    assert report["roots"] == [
        {"path": ".", "ruby_llm_version": "1.6.2", "version_source": "Gemfile.lock",
         "version_detail": report["roots"][0]["version_detail"]}
    ]
    (finding,) = [f for f in report["findings"] if f["category"] == "api-hallucination"]
    for key in ("rule", "category", "severity", "file", "line", "column", "message", "evidence"):
        assert key in finding
    assert finding["file"] == "app/services/chat_service.rb"
    assert finding["line"] == 3 and finding["severity"] == "error"
    assert "RubyLLM::Client" in finding["message"]


def test_valid_app_exits_0_and_comment_is_not_a_call(tmp_path):
    app = make_app(tmp_path / "good", VALID)
    done = grader("check", str(app), "--format", "json")
    assert done.returncode == 0, done.stdout + done.stderr
    assert [f for f in json.loads(done.stdout)["findings"] if f["severity"] == "error"] == []


def test_sarif_output_is_2_1_0_with_locations(tmp_path):
    app = make_app(tmp_path / "bad", INVENTED)
    out = tmp_path / "r.sarif"
    done = grader("check", str(app), "--format", "sarif", "-o", str(out))
    assert done.returncode == 1
    sarif = json.loads(out.read_text())
    assert sarif["version"] == "2.1.0"
    (run,) = sarif["runs"]
    result = next(r for r in run["results"] if r["level"] == "error")
    loc = result["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "app/services/chat_service.rb"
    assert loc["region"]["startLine"] == 3
    assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_version_override_is_reported(tmp_path):
    app = make_app(tmp_path / "good", VALID)
    done = grader("check", str(app), "--format", "json", "--ruby-llm-version", "1.3.0")
    root = json.loads(done.stdout)["roots"][0]
    assert root["ruby_llm_version"] == "1.3.0" and root["version_source"] == "override"
    bad = grader("check", str(app), "--ruby-llm-version", "9.9.9")
    assert bad.returncode == 2 and "9.9.9" in bad.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    bad = grader("check", str(empty), "--ruby-llm-version", "9.9.9")  # nothing to check: still bad input
    assert bad.returncode == 2 and "9.9.9" in bad.stderr and len(bad.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "args, message",
    [
        (["check", "/definitely/not/here"], "no such path"),
        (["check", "{broken}"], "unreadable archive"),
        (["check", ".", "--format", "yaml"], "unknown format"),
    ],
)
def test_bad_input_exits_2_with_one_line_reason(tmp_path, args, message):
    broken = tmp_path / "b.tar.gz"
    broken.write_bytes(b"garbage")
    args = [str(broken) if a == "{broken}" else a for a in args]
    done = grader(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert message in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


def test_hostile_files_do_not_crash_and_are_reported(tmp_path):
    app = make_app(tmp_path / "app", VALID)
    (app / "app" / "empty.rb").write_bytes(b"")
    (app / "app" / "latin1.rb").write_bytes(b"# caf\xe9\nRubyLLM::Client.new\n")
    (app / "app" / "binary.rb").write_bytes(b"\x7fELF\x00\x00\x01")
    (app / "app" / "broken.rb").write_text("class X\n  def y(\nend\n")
    (app / "app" / "loop").symlink_to(app / "app")
    done = grader("check", str(app), "--format", "json")
    report = json.loads(done.stdout)
    skipped = {s["file"]: s["reason"] for s in report["skipped"]}
    assert skipped["app/binary.rb"] == "binary file"
    assert skipped["app/loop"] == "symbolic link not followed"
    rules = {(f["file"], f["rule"]) for f in report["findings"]}
    assert ("app/broken.rb", "parse/syntax-error") in rules
    # invalid UTF-8 does not hide an invented call on the next line
    assert any(f == "app/latin1.rb" and r != "parse/syntax-error" for f, r in rules)
    assert done.returncode == 1


def test_check_imports_no_heavy_stage(tmp_path):
    app = make_app(tmp_path / "good", VALID)
    code = (
        "import sys\n"
        "from typer.testing import CliRunner\n"
        "from grader.cli import app\n"
        f"r = CliRunner().invoke(app, ['check', {str(app)!r}])\n"
        "heavy = [m for m in ('docker', 'litellm', 'instructor', 'jinja2', 'fastapi', 'sqlalchemy')"
        " if m in sys.modules]\n"
        "print(r.exit_code, heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "0 []", done.stdout + done.stderr
