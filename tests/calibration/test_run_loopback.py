"""`grader calibrate run` end to end: the real pipeline grades the example set with the judge asking
the loopback OpenAI-compatible server, then report, fit and check read the run folder."""

import csv
import json
import re
from dataclasses import fields

import pytest
from calib_helpers import EXAMPLE_SET
from calib_loopback import FakeLLM, Reply, criterion_of, good_answer

from grader.pipeline import GradeOptions

pytestmark = pytest.mark.skipif("judge_options" not in {f.name for f in fields(GradeOptions)},
                                reason="the judge stage is not wired into grader.pipeline on this build")

MODEL = "openai/fake-judge"


def _judge_score(req) -> float:
    """A judge that reads the code: low for a class-variable store, high for a bounded cache."""
    text = "\n".join(str(m.get("content", "")) for m in req.get("messages", []))
    crit = criterion_of(req)
    bad_store = "@@conversations" in text
    rescued = "rescue RubyLLM::Error" in text
    if crit == "persistence_design":
        return 0 if bad_store else 2 if "MAX_TURNS" in text else 1
    if crit == "error_ui_quality":
        return 2 if rescued else 0
    if crit.startswith("dimension:"):
        return 1 if bad_store else 4 if rescued else 3
    return 1


@pytest.fixture
def fake():
    server = FakeLLM().start()
    server.script = lambda req, n: Reply(answer=good_answer(req, _judge_score(req)))
    yield server
    server.stop()


def test_run_report_fit_check_against_the_loopback_judge(cli, fake, tmp_path):
    run = tmp_path / "run"
    args = ["run", EXAMPLE_SET, "--judge-model", MODEL, "--judge-api-base", fake.base, "--judge-samples", "2",
            "--judge-cache", tmp_path / "cache.sqlite3", "--out", run, "-B", "200"]
    result = cli(*args)
    assert result.exit_code == 0, result.output
    assert "8/8 items graded" in result.stdout
    assert fake.calls > 0
    manifest = json.loads((run / "run.json").read_text())
    assert manifest["judge_models"] == [MODEL] and manifest["prompt_version"]
    assert {v["status"] for v in manifest["items"].values()} == {"graded"}
    for item in manifest["items"]:
        report = json.loads((run / "reports" / item / "report.json").read_text())
        assert report["judge"]["status"] in ("ok", "partial")
    rows = list(csv.DictReader((run / "judge.csv").open()))
    assert {r["sample"] for r in rows} == {"0", "1"}
    assert {r["criterion"] or r["dimension"] for r in rows} >= {"architecture", "persistence_design"}

    # a second run asks the provider nothing: every answer is in the judge cache
    calls = fake.calls
    again = cli(*args[:-4], "--out", tmp_path / "run2", "-B", "50")
    assert again.exit_code == 0, again.output
    assert fake.calls == calls

    report = json.loads(cli("report", run, "--format", "json", "-B", "200").stdout)
    assert report["items"] == 8
    assert report["criteria"]["persistence_design"]["spearman"] > 0.5  # this judge reads the store

    profile = tmp_path / "profile.json"
    assert cli("fit", run, "--out", profile).exit_code == 0
    assert json.loads(profile.read_text())["key"]["prompt_version"] == manifest["prompt_version"]

    gate = cli("check", run, "--min-qwk", "0.99")
    assert gate.exit_code == 1 and re.search(r"qwk \d\.\d+ < 0\.99", gate.stdout)
