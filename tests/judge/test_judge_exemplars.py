"""--exemplars SET: human-scored excerpts of OTHER set items reach the judge as delimited reference
examples, change the cache key, are recorded per verdict, and leave grades without them unchanged."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from fake_llm import Reply, good_answer
from typer.testing import CliRunner

from grader.cli import app

EXAMPLE_SET = Path(__file__).resolve().parents[2] / "calibration" / "sets" / "example"
CRITERION = "persistence_design"


def _judge(fake, repo, cache, *extra):
    got = CliRunner().invoke(app, ["judge", str(repo), "--rubric", "rails-rubyllm-v1", "--criterion", CRITERION,
                                   "--judge-model", "openai/fake-judge", "--judge-api-base", fake.base,
                                   "--judge-samples", "1", "--judge-cache", str(cache), "--format", "json", *extra])
    assert got.exit_code == 0, got.output
    return json.loads(got.stdout)


def _text(request: dict) -> str:
    return "\n".join(str(m.get("content", "")) for m in request["messages"])


def test_exemplars_reach_the_prompt_but_never_the_graded_item(fake_llm, tmp_path):
    fake_llm.script = lambda req, n: Reply(answer=good_answer(req, 1, "conversation_store"))
    graded = EXAMPLE_SET / "repos" / "run01"
    data = _judge(fake_llm, graded, tmp_path / "c.sqlite3", "--exemplars", str(EXAMPLE_SET))
    body = fake_llm.requests[-1]
    text = _text(body)
    assert [sorted(v["exemplars"]) for v in data["verdicts"]] == [["run02", "run04"]]
    examples = [m["content"] for m in body["messages"] if "REFERENCE EXAMPLES" in str(m.get("content"))]
    assert len(examples) == 1 and body["messages"][0]["role"] == "system"
    assert body["messages"].index(next(m for m in body["messages"] if m["content"] == examples[0])) == 1
    assert "@@conversations" in examples[0]  # run02's excerpt (a class-variable store)
    assert "class variable" in examples[0]  # run02's human reason
    assert "human score 0.0 of 2" in examples[0] or "human score 0 of 2" in examples[0]
    assert "human score 1.0 of 2" in examples[0] or "human score 1 of 2" in examples[0]
    # run01 is the graded item: its human score (2) and reason are never shown
    assert "human score 2" not in text and "turn cap and a TTL" not in text
    assert "REFERENCE EXAMPLES" not in body["messages"][-1]["content"]  # never inside the repository message


def test_exemplars_change_the_cache_key(fake_llm, tmp_path):
    fake_llm.script = lambda req, n: Reply(answer=good_answer(req, 1, "conversation_store"))
    cache = tmp_path / "c.sqlite3"
    graded = EXAMPLE_SET / "repos" / "run01"
    _judge(fake_llm, graded, cache)
    assert fake_llm.calls == 1
    _judge(fake_llm, graded, cache, "--exemplars", str(EXAMPLE_SET))
    assert fake_llm.calls == 2  # exemplars shown: not the exemplar-free answer
    again = _judge(fake_llm, graded, cache, "--exemplars", str(EXAMPLE_SET))
    assert fake_llm.calls == 2 and again["cached_calls"] == 1
    # another set (same repos, one human reason reworded) must not hit this set's answers
    other = tmp_path / "other"
    shutil.copytree(EXAMPLE_SET, other)
    csv = other / "human.csv"
    csv.write_text(csv.read_text().replace("class variable", "class-level variable"))
    _judge(fake_llm, graded, cache, "--exemplars", str(other))
    assert fake_llm.calls == 3
    assert "class-level variable" in _text(fake_llm.requests[-1])


def test_without_exemplars_the_request_is_unchanged(fake_llm, tmp_path):
    fake_llm.script = lambda req, n: Reply(answer=good_answer(req, 1, "conversation_store"))
    graded = EXAMPLE_SET / "repos" / "run01"
    plain = _judge(fake_llm, graded, tmp_path / "a.sqlite3")
    _judge(fake_llm, graded, tmp_path / "b.sqlite3", "--exemplars", str(EXAMPLE_SET))
    without, with_examples = fake_llm.requests
    assert plain["verdicts"][0]["exemplars"] == []
    assert [m["role"] for m in without["messages"]] == ["system", "user"]
    assert "REFERENCE EXAMPLES" not in _text(without) and "<<<EXAMPLE" not in _text(without)
    # the same request with the reference-examples message taken out: byte for byte what was sent before
    stripped = dict(with_examples, messages=[m for m in with_examples["messages"]
                                             if "REFERENCE EXAMPLES" not in str(m.get("content"))])
    assert json.dumps(stripped, sort_keys=True) == json.dumps(without, sort_keys=True)


def test_a_bad_exemplar_set_exits_2_with_one_line(fake_llm, tmp_path):
    got = CliRunner().invoke(app, ["judge", str(EXAMPLE_SET / "repos" / "run01"), "--rubric", "rails-rubyllm-v1",
                                   "--judge-model", "openai/x", "--judge-api-base", fake_llm.base,
                                   "--exemplars", str(tmp_path)])
    assert got.exit_code == 2 and "--exemplars" in got.output and "Traceback" not in got.output
    assert fake_llm.calls == 0


def test_grade_records_the_exemplars_of_each_verdict_in_report_json(fake_llm, tmp_path):
    fake_llm.script = lambda req, n: Reply(answer=good_answer(req, 1))
    graded = EXAMPLE_SET / "repos" / "run02"
    got = CliRunner().invoke(app, ["grade", str(graded), "--rubric", "rails-rubyllm-v1", "--out", str(tmp_path / "o"),
                                   "--no-runtime", "--judge-model", "openai/fake-judge", "--judge-api-base",
                                   fake_llm.base, "--judge-samples", "1", "--judge-cache", str(tmp_path / "c.sqlite3"),
                                   "--exemplars", str(EXAMPLE_SET)])
    assert got.exit_code == 0, got.output
    report = json.loads((tmp_path / "o" / "report.json").read_text())
    verdicts = {v["criterion"]: v for v in report["judge"]["verdicts"]}
    assert sorted(verdicts["persistence_design"]["exemplars"]) == ["run01", "run04"]  # never run02 itself
    assert verdicts["error_ui_quality"]["exemplars"] == ["run01"]
    assert verdicts["architecture_quality"]["exemplars"] == []  # the set has no excerpt for it
    bodies = [_text(r) for r in fake_llm.requests]
    assert not any("class variable: lost on restart" in b for b in bodies)  # run02's own reason
