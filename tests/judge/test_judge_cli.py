"""`grader judge PATH ...` and `grader judge cache stats|clear` against the loopback server."""

from __future__ import annotations

import json

from fake_llm import Reply, good_answer
from typer.testing import CliRunner

from grader.cli import app


def _judge(fake, repo, cache, *extra):
    return CliRunner().invoke(app, ["judge", str(repo), "--rubric", "rails-rubyllm-v1",
                                    "--criterion", "error_ui_quality", "--judge-model", "openai/fake-judge",
                                    "--judge-api-base", fake.base,
                                    "--judge-samples", "2", "--judge-cache", str(cache), *extra])


def test_judge_command_prints_verdicts_and_uses_the_cache(fake_llm, repo, tmp_path):
    fake_llm.script = lambda req, n: Reply(answer=good_answer(req, 2, "chats_controller"))
    cache = tmp_path / "judge.sqlite3"
    first = _judge(fake_llm, repo, cache)
    assert first.exit_code == 0, first.output
    assert "error_ui_quality [openai/fake-judge] scored 2/2 samples [2.0, 2.0]" in first.output
    assert "verified app/controllers/chats_controller.rb:1-1" in first.output
    assert fake_llm.calls == 2
    again = _judge(fake_llm, repo, cache, "--format", "json")
    data = json.loads(again.output)
    assert fake_llm.calls == 2 and data["cached_calls"] == 2 and data["calls"] == 0
    assert data["verdicts"][0]["status"] == "scored"
    stats = CliRunner().invoke(app, ["judge", "cache", "stats", "--judge-cache", str(cache)])
    assert "2 cached samples" in stats.output and "openai/fake-judge: 2" in stats.output
    cleared = CliRunner().invoke(app, ["judge", "cache", "clear", "--judge-cache", str(cache)])
    assert "removed 2 cached samples" in cleared.output
    _judge(fake_llm, repo, cache)
    assert fake_llm.calls == 4


def test_bad_judge_options_exit_2_with_one_line(fake_llm, repo, tmp_path):
    for extra, message in [(["--judge-samples", "0"], "--judge-samples must be at least 1"),
                           (["--judge-price", "cheap"], "--judge-price takes IN,OUT"),
                           (["--max-cost", "-1"], "--max-cost cannot be negative")]:
        got = _judge(fake_llm, repo, tmp_path / "c.sqlite3", *extra)
        assert got.exit_code == 2 and message in got.output and "Traceback" not in got.output
    unknown = CliRunner().invoke(app, ["judge", str(repo), "--rubric", "rails-rubyllm-v1", "--criterion", "nope",
                                       "--judge-model", "openai/x", "--judge-api-base", fake_llm.base])
    assert unknown.exit_code == 2 and "unknown criterion nope" in unknown.output
    assert fake_llm.calls == 0
