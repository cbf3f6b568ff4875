"""`grader rules`, `static-checks --list-rules` and SARIF all show the docs each rule carries."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from annotated import read_sources, run_sources
from grader.cli import app
from static_checks.cli import main as static_main
from static_checks.output.sarif import to_sarif
from static_checks.rules import all_rules, get_rule

runner = CliRunner()


def test_grader_rules_lists_every_rule_with_its_docs():
    result = runner.invoke(app, ["rules"])
    assert result.exit_code == 0, result.output
    for rule in all_rules():
        assert rule.id in result.output and rule.summary in result.output and rule.why in result.output
    assert f"{len(all_rules())} rules" in result.output


def test_grader_rules_show_prints_examples_and_accepts_the_short_id():
    rule = get_rule("rubyllm/tool-execute")
    result = runner.invoke(app, ["rules", "show", "tool-execute"])
    assert result.exit_code == 0, result.output
    assert "def execute(location:)" in result.output and "def execute(city:)" in result.output
    assert "Proof: app-code" in result.output and rule.why in result.output
    md = runner.invoke(app, ["rules", "show", "rubyllm/tool-execute", "--markdown"])
    assert md.exit_code == 0 and "```ruby" in md.output


def test_grader_rules_show_unknown_id_is_a_one_line_usage_error():
    result = runner.invoke(app, ["rules", "show", "rubyllm/made-up"])
    assert result.exit_code == 2
    assert "unknown rule 'rubyllm/made-up'" in result.output and "Traceback" not in result.output


def test_static_checks_list_rules(capsys):
    assert static_main(["--list-rules"]) == 0
    out = capsys.readouterr().out
    assert all(r.id in out and r.summary in out for r in all_rules())


def test_static_checks_without_a_path_is_a_usage_error(capsys):
    try:
        static_main([])
    except SystemExit as exc:
        assert exc.code == 2
    assert "PATH" in capsys.readouterr().err


def test_sarif_rules_carry_the_rule_docs(tmp_path):
    report = run_sources(tmp_path, read_sources('chat = RubyLLM.chat\nchat.user("hi")\nRubyLLM::Client.new\n'))
    sarif = json.loads(json.dumps(to_sarif(report)))
    run = sarif["runs"][0]
    by_id = {r["id"]: r for r in run["tool"]["driver"]["rules"]}
    assert set(by_id) == {"rubyllm/unknown-method", "rubyllm/unknown-constant"}
    for rule_id, entry in by_id.items():
        rule = get_rule(rule_id)
        assert entry["shortDescription"]["text"] == rule.summary
        assert entry["fullDescription"]["text"] == rule.why
        for example in (rule.bad, rule.good):
            assert all(line.strip() in entry["help"]["text"] for line in example.splitlines())
        assert f"```ruby\n{rule.bad}\n```" in entry["help"]["markdown"]
        assert entry["properties"]["proof"] == "absence"
    for result in run["results"]:
        assert run["tool"]["driver"]["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_keeps_a_plain_entry_for_findings_without_a_rule(tmp_path):
    report = run_sources(tmp_path, read_sources("def broken(\n"))
    entries = to_sarif(report)["runs"][0]["tool"]["driver"]["rules"]
    assert entries and all(not e["id"].startswith("rubyllm/") for e in entries)
    assert all("help" not in e for e in entries)
