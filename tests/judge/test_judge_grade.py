"""`grader grade --judge-model ... --judge-api-base` end to end: report.json `judge`, judge points
in their dimensions, verdicts in report.md/html, the cache across grades, and --no-judge."""

from __future__ import annotations

import json

from fake_llm import Reply, good_answer
from typer.testing import CliRunner

from grader.cli import app


def _grade(repo, out, *extra):
    got = CliRunner().invoke(app, ["grade", str(repo), "--rubric", "rails-rubyllm-v1", "--out", str(out),
                                   "--no-runtime", *extra])
    assert got.exit_code == 0, got.output
    return json.loads((out / "report.json").read_text())


def test_grade_with_the_judge_end_to_end(fake_llm, repo, tmp_path):
    fake_llm.script = lambda req, n: Reply(answer=good_answer(req, 1))
    judge_args = ["--judge-model", "openai/fake-judge", "--judge-api-base", fake_llm.base, "--judge-samples", "2",
                  "--judge-cache", str(tmp_path / "cache.sqlite3"), "--judge-token-budget", "20000"]
    without = _grade(repo, tmp_path / "plain", "--no-judge")
    assert without["judge"] is None
    assert next(s for s in without["stages"] if s["name"] == "judge")["status"] == "skipped"
    assert fake_llm.calls == 0

    report = _grade(repo, tmp_path / "judged", *judge_args)
    judge = report["judge"]
    assert judge["status"] == "ok" and judge["models"] == ["openai/fake-judge"] and judge["samples"] == 2
    assert judge["token_budget"] == 20000 and all(c["tokens_estimate"] <= 20000 for c in judge["context"])
    counted = [v for v in judge["verdicts"] if v["counted"]]
    assert {v["criterion"] for v in counted} == {"error_ui_quality", "persistence_design", "architecture_quality"}
    assert {v["criterion"] for v in judge["verdicts"] if not v["counted"]} == {"dimension:architecture",
                                                                             "dimension:production"}
    assert all(v["status"] == "scored" and v["score"] == 1 and v["evidence"][0]["verified"] for v in judge["verdicts"])
    assert judge["calls"] == fake_llm.calls == 5 * 2
    assert report["pending_points"] == without["pending_points"] - 6  # three criteria of 2 points decided
    errors = next(d for d in report["dimensions"] if d["id"] == "errors")
    assert any(d["id"] == "error_ui_quality" and d["kind"] == "judge" for d in errors["deductions"])
    assert report["arithmetic_check"]["ok"]
    md = (tmp_path / "judged" / "report.md").read_text()
    html = (tmp_path / "judged" / "report.html").read_text()
    assert "## LLM judge" in md and "error_ui_quality" in md and "#L1)" in md
    assert 'id="judge"' in html and "verified" in html and "#L1" in html

    # a stored report re-renders with its verdicts, without the repo (the renderers are pure)
    from grader.judge.models import JudgeReport
    from grader.report.render import load_report, render_html, render_markdown

    stored = load_report(tmp_path / "judged" / "report.json")
    assert isinstance(stored.judge, JudgeReport) and stored.judge.verdicts[0].evidence[0].verified
    assert render_markdown(stored) == md and 'id="judge"' in render_html(stored)

    again = _grade(repo, tmp_path / "again", *judge_args)
    assert fake_llm.calls == 10  # a second identical grade asks nothing
    assert again["judge"]["cached_calls"] == 10 and again["judge"]["calls"] == 0
    assert again["total"] == report["total"] and again["pending_points"] == report["pending_points"]


def test_grade_without_key_or_api_base_reports_the_judge_skipped(monkeypatch, repo, tmp_path):
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    report = _grade(repo, tmp_path / "out", "--judge-model", "openai/gpt-4.1-mini", "--judge-cache",
                    str(tmp_path / "c.sqlite3"))
    assert report["judge"]["status"] == "skipped" and "OPENAI_API_KEY" in report["judge"]["reason"]
    stage = next(s for s in report["stages"] if s["name"] == "judge")
    assert stage["status"] == "skipped" and "OPENAI_API_KEY" in stage["detail"]
    assert any(p["source"] == "judge" for d in report["dimensions"] for p in d["pending"])


def test_grade_many_reports_the_runs_judge_cost(fake_llm, repo, tmp_path):
    from judge_repos import make_repo

    fake_llm.script = lambda req, n: Reply(answer=good_answer(req, 2))
    runs = tmp_path / "runs"
    make_repo(runs / "one")
    make_repo(runs / "two")
    got = CliRunner().invoke(app, ["grade-many", str(runs), "--rubric", "rails-rubyllm-v1", "--out",
                                   str(tmp_path / "board"), "--no-runtime", "--jobs", "1",
                                   "--judge-model", "openai/fake-judge", "--judge-api-base", fake_llm.base,
                                   "--judge-samples", "1", "--judge-cache", str(tmp_path / "c.sqlite3"),
                                   "--judge-price", "1000,1000", "--max-cost", "100"])
    assert got.exit_code == 0, got.output
    # both repos have identical content: the second is answered from the cache
    assert "judge over 2 repos: 5 calls (5 cached), 5000 tokens in / 500 out, $5.5000" in got.output


def test_provider_outage_leaves_judge_points_pending_and_the_grade_completes(fake_llm, repo, tmp_path):
    fake_llm.script = lambda req, n: Reply(status=503, body=b'{"error": {"message": "overloaded"}}',
                                           headers={"Retry-After": "0"})  # retried at once: the test stays fast
    without = _grade(repo, tmp_path / "plain", "--no-judge")
    report = _grade(repo, tmp_path / "out", "--judge-model", "openai/fake-judge", "--judge-api-base", fake_llm.base,
                    "--judge-samples", "1", "--judge-cache", str(tmp_path / "c.sqlite3"))
    judge = report["judge"]
    assert judge["status"] == "failed" and all(v["status"] == "failed" for v in judge["verdicts"])
    assert all("overloaded" in v["reason"] for v in judge["verdicts"])
    assert judge["calls"] == fake_llm.calls == 5 * (1 + 4)  # 5 criteria, each tried once and retried 4 times
    assert report["pending_points"] == without["pending_points"] and report["total"] == without["total"]
    assert report["arithmetic_check"]["ok"]
    assert next(s for s in report["stages"] if s["name"] == "judge")["status"] == "failed"
