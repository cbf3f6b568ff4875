"""Everyday `grader check`: inline suppressions (audited, and never honoured when grading), the
settings file's disable/exclude/severity, baselines, --quiet and colour only on a terminal.

Real processes or the real typer app over real files; no part of the analysis is stubbed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from locked_app import write_locked_app
from typer.testing import CliRunner

from grader.cli import app
from static_checks.suppress import parse_comment, scan_lines


SERVICE = """class ChatService
  def initialize
    @client = RubyLLM::Client.new(api_key: "x") # grader:disable rubyllm/unknown-constant -- our shim in lib/
  end

  def reply(text)
    chat = RubyLLM.chat
    # grader:disable unknown-method -- patched in config/initializers
    chat.send_message(text)
    chat.shout(text)
  end
end
"""

VIEW = """<%# grader:disable rubyllm/unknown-method -- demo page %>
<%= RubyLLM.chat.bogus_call %>
<%= RubyLLM.chat.other_bogus %>
"""

runner = CliRunner()


def make_app(root: Path, service: str = SERVICE, view: str | None = VIEW) -> Path:
    write_locked_app(root, service)
    if view is not None:
        (root / "app" / "views" / "chats").mkdir(parents=True)
        (root / "app" / "views" / "chats" / "show.html.erb").write_text(view)
    return root


def check_json(*args: str) -> tuple[int, dict]:
    res = runner.invoke(app, ["check", *args, "--format", "json"])
    assert res.exit_code in (0, 1), res.output
    return res.exit_code, json.loads(res.stdout)


def where(findings: list[dict]) -> list[tuple[str, int, str]]:
    return sorted((f["file"].rsplit("/", 1)[-1], f["line"], f["rule"]) for f in findings)


# ---- the comment syntax -------------------------------------------------------------------------

@pytest.mark.parametrize("line, expected", [
    ("x.y # grader:disable rubyllm/unknown-method -- why", (["rubyllm/unknown-method"], "why")),
    ("# grader:disable unknown-method, wrong-arguments -- two  rules",
     (["rubyllm/unknown-method", "rubyllm/wrong-arguments"], "two rules")),
    ("<%# grader:disable unknown-method -- in erb %>", (["rubyllm/unknown-method"], "in erb")),
    ("<%# grader:disable unknown-method -%>", (["rubyllm/unknown-method"], None)),
    ("x.y #grader:disable parse/syntax-error", (["parse/syntax-error"], None)),
    ("x.y # grader:disabled-for-real", None),
    ("x.y # rubocop:disable Foo", None),
])
def test_comment_syntax(line, expected):
    assert parse_comment(line) == expected


def test_standalone_comments_cover_the_next_line_of_code():
    lines = ["# grader:disable unknown-method -- a", "# grader:disable wrong-arguments -- b", "",
             "  chat.x(1) # grader:disable dynamic-call -- c", "call_it"]
    a, b, c = scan_lines("f.rb", lines, honour=True)
    assert (a.line, a.applies_to, b.line, b.applies_to) == (1, 4, 2, 4)
    assert (c.line, c.applies_to) == (4, 4)


# ---- check honours them, and says so -------------------------------------------------------------

def test_inline_suppressions_are_honoured_by_check_and_listed_for_audit(tmp_path):
    repo = make_app(tmp_path / "app")
    code, report = check_json(str(repo))
    assert code == 1  # two invented calls are not suppressed
    assert where(report["findings"]) == [("chat_service.rb", 10, "rubyllm/unknown-method"),
                                         ("show.html.erb", 3, "rubyllm/unknown-method")]
    assert where([s["finding"] for s in report["suppressed"]]) == [
        ("chat_service.rb", 3, "rubyllm/unknown-constant"), ("chat_service.rb", 9, "rubyllm/unknown-method"),
        ("show.html.erb", 2, "rubyllm/unknown-method")]
    assert {s["detail"] for s in report["suppressed"]} == {"our shim in lib/", "patched in config/initializers",
                                                           "demo page"}
    assert all(s["honoured"] and s["matched"] == 1 and s["problem"] is None for s in report["suppressions"])

    text = runner.invoke(app, ["check", str(repo)]).stdout
    assert ("app/services/chat_service.rb:9:10: suppressed [rubyllm/unknown-method] `RubyLLM::Chat#send_message`"
            in text)
    assert text.rstrip().endswith("3 not reported (3 inline)")
    sarif = json.loads(runner.invoke(app, ["check", str(repo), "-f", "sarif"]).stdout)
    marks = [r.get("suppressions") for r in sarif["runs"][0]["results"]]
    assert marks.count(None) == 2
    assert {m[0]["kind"] for m in marks if m} == {"inSource"}


def test_suppressions_with_problems_are_named(tmp_path):
    service = SERVICE.replace("-- our shim in lib/", "").replace(
        "    chat.shout(text)", "    chat.shout(text) # grader:disable no-such-rule -- typo")
    service = service.replace("  end\nend", "  end\n  # grader:disable wrong-arguments -- stale\n  def ok = 1\nend")
    repo = make_app(tmp_path / "app", service, view=None)
    code, report = check_json(str(repo))
    problems = {s["line"]: s["problem"] for s in report["suppressions"]}
    assert problems[3] == "no reason given (add ` -- why`)"
    assert "unknown rule 'rubyllm/no-such-rule'" in problems[10]
    assert "no finding of rubyllm/wrong-arguments" in problems[12]
    assert code == 1 and where(report["findings"]) == [("chat_service.rb", 10, "rubyllm/unknown-method")]
    text = runner.invoke(app, ["check", str(repo)]).stdout
    assert "app/services/chat_service.rb:3: grader:disable comment: no reason given" in text


# ---- grading never honours them ------------------------------------------------------------------

def _grade(repo: Path, out: Path) -> dict:
    res = runner.invoke(app, ["grade", str(repo), "-r", "rails-rubyllm-v2", "-o", str(out),
                              "--no-runtime", "--no-judge"])
    assert res.exit_code == 0, res.output
    return json.loads((out / "report.json").read_text())


def test_a_graded_repo_cannot_suppress_its_own_findings(tmp_path):
    """The same invented calls with and without `grader:disable` comments grade the same: every
    finding stays, the facts and points do not move, and the comments are listed as not honoured."""
    plain = SERVICE.replace(" # grader:disable rubyllm/unknown-constant -- our shim in lib/", "").replace(
        "    # grader:disable unknown-method -- patched in config/initializers\n", "    \n")
    hostile = _grade(make_app(tmp_path / "hostile"), tmp_path / "out_hostile")
    honest = _grade(make_app(tmp_path / "honest", plain, VIEW.replace(
        "<%# grader:disable rubyllm/unknown-method -- demo page %>", "")), tmp_path / "out_honest")
    assert where(hostile["findings"]) == where(honest["findings"])
    assert len([f for f in hostile["findings"] if f["category"] == "api-hallucination"]) == 5
    hostile_facts = {f["id"]: f["value"] for f in hostile["facts"]}
    assert hostile_facts["rubyllm.invented_calls"] == 5  # what the rubric deducts from
    assert hostile_facts == {f["id"]: f["value"] for f in honest["facts"]}
    assert (hostile["total"], hostile["lost"] if "lost" in hostile else None) == (
        honest["total"], honest["lost"] if "lost" in honest else None)
    listed = hostile["static"]["suppressions"]
    assert len(listed) == 3 and not any(s["honoured"] for s in listed)
    assert {s["matched"] for s in listed} == {1}
    assert honest["static"]["suppressions"] == []
    markdown = (tmp_path / "out_hostile" / "report.md").read_text()
    assert "`grader:disable` comments in the repo (3, not honoured when grading: their findings count)" in markdown


# ---- the settings file -------------------------------------------------------------------------

def test_settings_disable_exclude_and_severity(tmp_path):
    repo = make_app(tmp_path / "app")
    (repo / ".grader.toml").write_text('exclude = ["app/views"]\n[severity]\n"unknown-method" = "warning"\n')
    code, report = check_json(str(repo))
    assert code == 0  # the one finding left is now a warning
    assert [(f["line"], f["severity"], f["extra"].get("default_severity")) for f in report["findings"]] == [
        (10, "warning", "error")]
    assert sorted(s["by"] for s in report["suppressed"]) == ["exclude", "exclude", "inline", "inline"]

    (repo / ".grader.toml").write_text('disable = ["rubyllm/unknown-method"]\n')
    code, report = check_json(str(repo))
    assert code == 0 and report["findings"] == []
    assert sorted(s["by"] for s in report["suppressed"]) == ["disable", "disable", "disable", "disable", "inline"]


def test_settings_naming_no_rule_exit_2(tmp_path):
    repo = make_app(tmp_path / "app")
    (repo / ".grader.toml").write_text('disable = ["unknwon-method"]\n')
    res = runner.invoke(app, ["check", str(repo)])
    assert res.exit_code == 2
    expected = f"grader: {repo / '.grader.toml'}: unknown rule 'unknwon-method' (`grader rules` lists them)"
    assert res.output.strip() == expected


def test_settings_version_is_the_default_of_the_flag(tmp_path):
    repo = make_app(tmp_path / "app")
    (repo / "pyproject.toml").write_text('[tool.grader]\nruby-llm-version = "1.2.0"\n')
    assert check_json(str(repo))[1]["roots"][0]["ruby_llm_version"] == "1.2.0"
    assert check_json(str(repo), "--ruby-llm-version", "1.6.2")[1]["roots"][0]["ruby_llm_version"] == "1.6.2"


# ---- baselines ---------------------------------------------------------------------------------

def test_baseline_reports_only_new_findings_and_survives_moved_lines(tmp_path):
    repo = make_app(tmp_path / "app")
    base = tmp_path / "ci" / "baseline.json"
    res = runner.invoke(app, ["check", str(repo), "--baseline", str(base), "--write-baseline"])
    assert res.exit_code == 0 and f"wrote 2 finding(s) to baseline {base}" in res.output
    assert [e["line"] for e in json.loads(base.read_text())["findings"]] == [10, 3]

    code, report = check_json(str(repo), "--baseline", str(base))
    assert code == 0 and report["findings"] == []
    assert [s["by"] for s in report["suppressed"]].count("baseline") == 2

    # three lines added above: the known finding moved, still known; a second `shout` is new
    service = repo / "app" / "services" / "chat_service.rb"
    service.write_text("# a\n# b\n# c\n" + SERVICE.replace("    chat.shout(text)\n",
                                                         "    chat.shout(text)\n    chat.shout(text)\n"))
    code, report = check_json(str(repo), "--baseline", str(base))
    assert code == 1 and where(report["findings"]) == [("chat_service.rb", 14, "rubyllm/unknown-method")]


def test_baseline_from_settings_and_bad_baselines(tmp_path):
    repo = make_app(tmp_path / "app")
    (repo / ".grader.toml").write_text('baseline = "grader-baseline.json"\n')
    res = runner.invoke(app, ["check", str(repo)])
    assert res.exit_code == 2 and "no baseline file" in res.output and "--write-baseline" in res.output
    assert runner.invoke(app, ["check", str(repo), "--write-baseline"]).exit_code == 0
    assert (repo / "grader-baseline.json").is_file()
    assert runner.invoke(app, ["check", str(repo)]).exit_code == 0
    (repo / "grader-baseline.json").write_text('{"findings": 3}')
    res = runner.invoke(app, ["check", str(repo)])
    assert res.exit_code == 2 and "is not a grader baseline" in res.output
    (repo / ".grader.toml").unlink()
    res = runner.invoke(app, ["check", str(repo), "--write-baseline"])
    assert res.exit_code == 2 and "pass --baseline FILE" in res.output


# ---- quiet and colour --------------------------------------------------------------------------

def grader(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    exe = Path(sys.executable).with_name("grader")
    full = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")} | (env or {})
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=120, env=full)


def test_quiet_prints_finding_lines_only(tmp_path):
    repo = make_app(tmp_path / "app")
    done = grader("check", str(repo), "--quiet")
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert len(lines) == 2 and all(": error [rubyllm/unknown-method] " in line for line in lines)
    empty = tmp_path / "empty"
    empty.mkdir()
    done = grader("check", str(empty), "-q")
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_colour_only_on_a_terminal(tmp_path):
    repo = make_app(tmp_path / "app")
    assert "\x1b[" not in grader("check", str(repo)).stdout  # a pipe
    forced = grader("check", str(repo), env={"FORCE_COLOR": "1"}).stdout
    assert "\x1b[31merror\x1b[0m [rubyllm/unknown-method]" in forced
    assert "\x1b[" not in grader("check", str(repo), env={"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout
    out = tmp_path / "r.txt"
    grader("check", str(repo), "-o", str(out), env={"FORCE_COLOR": "1"})
    assert "\x1b[" not in out.read_text()


def test_colour_on_a_real_terminal(tmp_path):
    """A pseudo-terminal, as a person's shell gives: severities are coloured."""
    import pty

    repo = make_app(tmp_path / "app")
    exe = Path(sys.executable).with_name("grader")
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "FORCE_COLOR")}
    primary, secondary = pty.openpty()
    proc = subprocess.Popen([str(exe), "check", str(repo)], stdout=secondary, stderr=subprocess.DEVNULL, env=env)
    os.close(secondary)
    chunks = []
    while True:
        try:
            chunk = os.read(primary, 65536)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(primary)
    assert proc.wait(timeout=120) == 1
    assert b"\x1b[31merror\x1b[0m" in b"".join(chunks)


def test_uses_of_a_suppressed_root_go_with_it_and_only_then(tmp_path):
    service = """class S
  def go(text)
    client = RubyLLM::Client.new(api_key: "x") # grader:disable unknown-constant -- our wrapper in lib/
    response = client.chat(messages: [text])
    response["output_text"]
  end

  def other(text)
    RubyLLM::Client.new(api_key: "y").chat(messages: [text])
  end
end
"""
    repo = make_app(tmp_path / "app", service, view=None)
    code, report = check_json(str(repo))
    # the second, unsuppressed root keeps its own use; the first root's two uses follow it
    assert where(report["findings"]) == [("chat_service.rb", 9, "rubyllm/invented-value-use"),
                                         ("chat_service.rb", 9, "rubyllm/unknown-constant")]
    follows = [s for s in report["suppressed"] if s["finding"]["rule"] == "rubyllm/invented-value-use"]
    assert [(s["finding"]["line"], s["by"], s["detail"]) for s in follows] == [
        (4, "inline", "follows from app/services/chat_service.rb:3 (our wrapper in lib/)"),
        (5, "inline", "follows from app/services/chat_service.rb:3 (our wrapper in lib/)")]


def test_standalone_static_checks_reads_the_same_settings(tmp_path, capsys):
    from static_checks.cli import main as static_main

    repo = make_app(tmp_path / "app")
    (repo / ".grader.toml").write_text('exclude = ["app/views"]\nbaseline = "base.json"\n')
    assert static_main([str(repo), "--write-baseline"]) == 0
    assert "wrote 1 finding(s) to baseline" in capsys.readouterr().err
    assert static_main([str(repo), "-f", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["findings"] == []
    assert sorted(s["by"] for s in report["suppressed"]) == ["baseline", "exclude", "exclude", "inline", "inline"]
    (repo / ".grader.toml").write_text('disable = ["nope"]\n')
    assert static_main([str(repo)]) == 2
    assert "unknown rule 'nope'" in capsys.readouterr().err


def test_untrusted_check_ignores_the_repos_settings_and_comments(tmp_path, monkeypatch):
    repo = make_app(tmp_path / "theirs")
    (repo / ".grader.toml").write_text('disable = ["unknown-method", "unknown-constant"]\n')
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / ".grader.toml").write_text('[severity]\n"unknown-constant" = "warning"\n')
    monkeypatch.chdir(mine)
    code, trusted = check_json(str(repo))
    assert code == 0 and trusted["findings"] == []
    code, report = check_json(str(repo), "--untrusted")
    assert code == 1
    assert where(report["findings"]) == [
        ("chat_service.rb", 3, "rubyllm/unknown-constant"), ("chat_service.rb", 9, "rubyllm/unknown-method"),
        ("chat_service.rb", 10, "rubyllm/unknown-method"), ("show.html.erb", 2, "rubyllm/unknown-method"),
        ("show.html.erb", 3, "rubyllm/unknown-method")]
    assert report["findings"][0]["severity"] == "warning"  # my settings apply, theirs do not
    assert report["suppressed"] == [] and len(report["suppressions"]) == 3
    assert not any(s["honoured"] for s in report["suppressions"])
    text = runner.invoke(app, ["check", str(repo), "--untrusted"]).stdout
    assert ("app/services/chat_service.rb:8: grader:disable comment not honoured: rubyllm/unknown-method -- "
            "patched in config/initializers") in text


@pytest.mark.parametrize("where_to", ["../outside.json", "/tmp/elsewhere.json"])
def test_a_settings_baseline_cannot_point_outside_its_folder(tmp_path, where_to):
    repo = make_app(tmp_path / "app")
    (repo / ".grader.toml").write_text(f'baseline = "{where_to}"\n')
    res = runner.invoke(app, ["check", str(repo), "--write-baseline"])
    assert res.exit_code == 2 and "leaves the settings file's folder" in res.output
    assert not (tmp_path / "outside.json").exists()
