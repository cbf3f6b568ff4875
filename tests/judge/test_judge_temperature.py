"""--judge-temperature: sent to the provider, recorded on the report and every verdict, and part of
the cache key (a cached answer at one temperature is not an answer at another)."""

from __future__ import annotations

import json

from fake_llm import Reply, good_answer
from judge_helpers import options, run_stage, verdict
from test_judge_cli import _judge
from typer.testing import CliRunner

from grader.cli import app


def test_temperature_is_sent_recorded_and_keys_the_cache(fake_llm, repo, tmp_path):
    fake_llm.script = lambda req, n: Reply(answer=good_answer(req, 2, "chats_controller"))
    cold = run_stage(repo, options(fake_llm, tmp_path, samples=2, temperature=0.2))
    assert [r["temperature"] for r in fake_llm.requests] == [0.2, 0.2]
    assert cold.summary.temperature == 0.2 and verdict(cold).temperature == 0.2
    run_stage(repo, options(fake_llm, tmp_path, samples=2, temperature=0.2))
    assert fake_llm.calls == 2  # same temperature: both samples from the cache
    warm = run_stage(repo, options(fake_llm, tmp_path, samples=2, temperature=1.1))
    assert fake_llm.calls == 4 and warm.summary.cached_calls == 0
    assert [r["temperature"] for r in fake_llm.requests[2:]] == [1.1, 1.1]


def test_default_temperature_is_reported(fake_llm, repo, tmp_path):
    fake_llm.script = lambda req, n: Reply(answer=good_answer(req, 2, "chats_controller"))
    got = _judge(fake_llm, repo, tmp_path / "c.sqlite3", "--format", "json")
    assert got.exit_code == 0, got.output
    data = json.loads(got.output)
    assert data["temperature"] == 0.7 and data["verdicts"][0]["temperature"] == 0.7
    assert fake_llm.requests[0]["temperature"] == 0.7


def test_judge_and_grade_take_judge_temperature(fake_llm, repo, tmp_path):
    fake_llm.script = lambda req, n: Reply(answer=good_answer(req, 2, "chats_controller"))
    got = _judge(fake_llm, repo, tmp_path / "c.sqlite3", "--judge-temperature", "0")
    assert got.exit_code == 0, got.output
    assert "temperature 0" in got.output.splitlines()[0]
    assert {r["temperature"] for r in fake_llm.requests} == {0}
    out = tmp_path / "out"
    graded = CliRunner().invoke(app, ["grade", str(repo), "--rubric", "rails-rubyllm-v1", "--no-runtime",
                                      "--out", str(out), "--judge-model", "openai/fake-judge",
                                      "--judge-api-base", fake_llm.base, "--judge-samples", "1",
                                      "--judge-cache", str(tmp_path / "g.sqlite3"), "--judge-temperature", "0.3"])
    assert graded.exit_code in (0, 1), graded.output
    judge = json.loads((out / "report.json").read_text())["judge"]
    assert judge["temperature"] == 0.3 and all(v["temperature"] == 0.3 for v in judge["verdicts"])


def test_a_temperature_out_of_range_exits_2_with_one_line(fake_llm, repo, tmp_path):
    for value in ("2.5", "-0.1"):
        got = _judge(fake_llm, repo, tmp_path / "c.sqlite3", "--judge-temperature", value)
        assert got.exit_code == 2 and "--judge-temperature must be between 0 and 2" in got.output
        assert "Traceback" not in got.output
    assert fake_llm.calls == 0
