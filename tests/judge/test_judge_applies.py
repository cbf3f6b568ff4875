"""applies_when on judge criteria: a criterion whose subject does not exist is decided "not built"
(0) or "not applicable" as the rubric says, without asking a model; and the README criterion that
takes over when counting cannot tell a template README from a real one (issue 10)."""

from __future__ import annotations

import json

import pytest
from fake_llm import Reply, criterion_of, good_answer
from judge_repos import make_repo
from typer.testing import CliRunner

from grader.cli import app

# Long, and about no app in particular: readme.status is `undecided`.
TEMPLATE_README = ("# Project\n\n## Getting started\n\n"
                   + "Install the dependencies, run the server and open the browser to see the page. " * 4 + "\n")
EMPTY_REPO = {"Gemfile": 'source "https://rubygems.org"\ngem "rails", "~> 8.0"\n',
              "README.md": "# Nothing yet\n"}


def _grade(repo, out, rubric, *extra):
    got = CliRunner().invoke(app, ["grade", str(repo), "--rubric", rubric, "--out", str(out), "--no-runtime", *extra])
    assert got.exit_code == 0, got.output
    return json.loads((out / "report.json").read_text())


def _bare_repo(root):
    for rel, text in EMPTY_REPO.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def _dim(report, dim_id):
    return next(d for d in report["dimensions"] if d["id"] == dim_id)


def _judge_args(fake, tmp_path):
    return ["--judge-model", "openai/fake-judge", "--judge-api-base", fake.base, "--judge-samples", "1",
            "--judge-cache", str(tmp_path / "cache.sqlite3")]


def test_a_criterion_whose_subject_is_missing_is_not_built_without_a_model(fake_llm, tmp_path):
    fake_llm.script = lambda req, n: Reply(answer=good_answer(req, 2))
    repo = _bare_repo(tmp_path / "bare")
    off = _grade(repo, tmp_path / "off", "rails-rubyllm-v1", "--no-judge")
    # no store: no_persistence takes 8 of 10 and the design criterion, not built, the last 2
    persistence = _dim(off, "persistence")
    item = next(d for d in persistence["deductions"] if d["id"] == "persistence_design")
    assert item["kind"] == "judge" and item["points"] == 2 and item["because"].startswith("not built")
    assert item["facts"] == {"persistence.strategy": "none"}
    assert persistence["score"] == 0 and persistence["pending_points"] == 0
    # no LLM path: the error dimension is already 0 by its rule, and the criterion is not pending either
    errors = _dim(off, "errors")
    assert errors["score"] == 0 and "error_ui_quality" not in {p["id"] for p in errors["pending"]}
    assert not any(d["id"] == "error_ui_quality" for d in errors["deductions"])  # it moved nothing: not listed
    assert off["arithmetic_check"]["ok"]

    on = _grade(repo, tmp_path / "on", "rails-rubyllm-v1", *_judge_args(fake_llm, tmp_path))
    asked = {criterion_of(r) for r in fake_llm.requests}
    assert "error_ui_quality" not in asked and "persistence_design" not in asked
    assert "architecture_quality" in asked  # no applies_when: always asked
    not_asked = {n["criterion"]: n for n in on["judge"]["not_asked"]}
    assert not_asked["error_ui_quality"]["decided"] == "not_built"
    assert "persistence.strategy equals 'none'" in not_asked["persistence_design"]["because"]
    assert not any(v["criterion"] == "error_ui_quality" for v in on["judge"]["verdicts"])
    assert on["judge"]["status"] == "ok"  # not asking is not a failure


def test_a_real_app_keeps_its_llm_criteria_for_the_judge(fake_llm, repo, tmp_path):
    off = _grade(repo, tmp_path / "off", "rails-rubyllm-v2", "--no-judge")
    pending = {p["id"] for d in off["dimensions"] for p in d["pending"] if p["source"] == "judge"}
    assert {"streaming_is_real", "payload_sent_once", "failed_turns_not_replayed"} <= pending
    assert not any(d["kind"] == "judge" and d["because"].startswith("not built")
                   for dim in off["dimensions"] for d in dim["deductions"]
                   if d["id"] in ("streaming_is_real", "payload_sent_once"))


def test_not_applicable_keeps_the_points_and_is_listed(fake_llm, repo, tmp_path):
    fake_llm.script = lambda req, n: Reply(answer=good_answer(req, 1))
    on = _grade(repo, tmp_path / "on", "rails-rubyllm-v2", *_judge_args(fake_llm, tmp_path))
    not_asked = {n["criterion"]: n["decided"] for n in on["judge"]["not_asked"]}
    # no SELF_REVIEW.md: no unverifiable claims to check, the rubric says the points stand
    assert not_asked.get("selfreview_unverifiable_claims") in (None, "not_applicable")
    assert not_asked["calculator_is_safe"] == "not_built"  # no tools
    tools = _dim(on, "tools")
    assert tools["score"] == 0 and on["arithmetic_check"]["ok"]


def test_a_template_readme_goes_to_the_judge_not_to_a_guess(fake_llm, tmp_path):
    repo = make_repo(tmp_path / "repo", {"README.md": TEMPLATE_README})
    off = _grade(repo, tmp_path / "off", "rails-rubyllm-v1", "--no-judge")
    assert next(f for f in off["facts"] if f["id"] == "readme.status")["value"] == "undecided"
    deliverables = _dim(off, "deliverables")
    assert "readme_stock" not in {d["id"] for d in deliverables["deductions"]}
    assert "readme_stock" not in {p["id"] for p in deliverables["pending"]}  # one rubric line, not two
    readme = next(p for p in deliverables["pending"] if p["id"] == "readme_substance")
    assert readme["points"] == 5 and readme["source"] == "judge"

    fake_llm.script = lambda req, n: Reply(answer=good_answer(
        req, 0 if criterion_of(req) == "readme_substance" else 2, "README"))
    on = _grade(repo, tmp_path / "on", "rails-rubyllm-v1", *_judge_args(fake_llm, tmp_path))
    verdict = next(v for v in on["judge"]["verdicts"] if v["criterion"] == "readme_substance")
    assert verdict["status"] == "scored" and verdict["score"] == 0
    assert verdict["evidence"][0]["file"] == "README.md" and verdict["evidence"][0]["verified"]
    lost = next(d for d in _dim(on, "deliverables")["deductions"] if d["id"] == "readme_substance")
    # the 5 points are decided; what they move is what the other deliverables deductions left
    assert lost["kind"] == "judge" and lost["nominal"] == 5 and 0 < lost["points"] <= 5
    assert lost["because"] == "the judge awarded 0 of 5"
    assert "readme_substance" not in {p["id"] for p in _dim(on, "deliverables")["pending"]}
    request = next(r for r in fake_llm.requests if criterion_of(r) == "readme_substance")
    assert "Getting started" in request["messages"][-1]["content"]  # the README itself was sent


@pytest.mark.parametrize("rubric", ["rails-rubyllm-v1", "rails-rubyllm-v2"])
def test_a_real_or_stock_readme_is_decided_by_the_rule_alone(rubric, tmp_path):
    stock = make_repo(tmp_path / "stock", {"README.md": "# README\n\nThis README would normally document "
                                                        "whatever steps are necessary to get the app up.\n"})
    report = _grade(stock, tmp_path / "out", rubric, "--no-judge")
    ids = {d["id"] for dim in report["dimensions"] for d in dim["deductions"]}
    pending = {p["id"] for dim in report["dimensions"] for p in dim["pending"]}
    assert "readme_stock" in ids and "readme_substance" not in pending


def test_not_built_without_a_condition_is_a_rubric_error_at_its_line(tmp_path):
    rubric = tmp_path / "r.yaml"
    rubric.write_text(
        "schema_version: 1\nid: r\ntitle: R\ndimensions:\n  - {id: d, title: D, max: 2}\n"
        "tiers:\n  - {name: A, min: 0}\ndeductions: []\n"
        "judge_criteria:\n  - {id: j, dimension: d, points: 2, question: 'Q', otherwise: not_built}\n")
    got = CliRunner().invoke(app, ["rubric", "validate", str(rubric)])
    assert got.exit_code == 1, got.output  # `validate`: 1 for an invalid rubric, each problem at its line
    assert "r.yaml:10: judge_criteria.0: judge criterion j: otherwise: not_built needs an applies_when" in got.output
    assert "Traceback" not in got.output
