"""A calibration profile applied in a real grade: `grader grade --calibration` and the pipeline path it
uses, with the judge asking the loopback server."""

import json

import pytest
from calib_loopback import FakeLLM, Reply, criterion_of, good_answer, make_repo
from test_apply_in_judge import MODEL, _profile_lowering
from typer.testing import CliRunner

from calibration.apply import calibrated_stages
from grader.cli import app
from grader.judge import JudgeOptions
from grader.pipeline import GradeOptions, grade
from grader.rubric import load_rubric
from grader.stages import default_stages

RUBRIC = load_rubric("rails-rubyllm-v1")


@pytest.fixture
def fake():
    server = FakeLLM().start()
    server.script = lambda req, n: Reply(answer=good_answer(
        req, 5 if criterion_of(req).startswith("dimension:") else 2, "chats_controller"))
    yield server
    server.stop()


def _options(fake, tmp_path, stages=None):
    judge = JudgeOptions(models=[MODEL], api_base=fake.base, samples=1, cache_path=tmp_path / "cache.sqlite3",
                         backoff=0.01, timeout=5, retries=1, criteria=["error_ui_quality", "dimension:architecture"])
    return GradeOptions(runtime=False, judge_options=judge, stages=stages)


def test_profile_moves_the_graded_points(fake, tmp_path):
    repo = make_repo(tmp_path / "repo")
    grade(str(repo), RUBRIC, tmp_path / "raw", _options(fake, tmp_path))
    profile = _profile_lowering(json.loads((tmp_path / "raw" / "report.json").read_text())["judge"]["prompt_version"])
    stages = calibrated_stages(default_stages(RUBRIC), profile, "p.json")
    grade(str(repo), RUBRIC, tmp_path / "cal", _options(fake, tmp_path, stages))
    before = json.loads((tmp_path / "raw" / "report.json").read_text())
    after = json.loads((tmp_path / "cal" / "report.json").read_text())
    v = next(v for v in after["judge"]["verdicts"] if v["criterion"] == "error_ui_quality")
    assert v["raw_score"] == 2 and v["calibrated_score"] == pytest.approx(1.0)
    errors_before = next(d for d in before["dimensions"] if d["id"] == "errors")
    errors_after = next(d for d in after["dimensions"] if d["id"] == "errors")
    assert errors_after["score"] == pytest.approx(errors_before["score"] - 1)  # one judge point fewer
    judge_stage = next(s for s in after["stages"] if s["name"] == "judge")
    assert "calibration profile applied to 2 verdict(s) (p.json)" in judge_stage["detail"]
    assert after["arithmetic_check"]["ok"], after["arithmetic_check"]


def test_grade_cli_says_when_the_profile_cannot_apply(tmp_path):
    repo = make_repo(tmp_path / "repo")
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps(_profile_lowering("sha256:x")))
    runner = CliRunner()
    got = runner.invoke(app, ["grade", str(repo), "--rubric", "rails-rubyllm-v1", "--no-runtime", "--out",
                              str(tmp_path / "out"), "--calibration", str(profile)])
    assert got.exit_code == 0, got.output
    report = json.loads((tmp_path / "out" / "report.json").read_text())
    judge_stage = next(s for s in report["stages"] if s["name"] == "judge")
    assert "calibration profile not applied" in judge_stage["detail"]
    bad = runner.invoke(app, ["grade", str(repo), "--rubric", "rails-rubyllm-v1", "--no-runtime", "--out",
                              str(tmp_path / "out2"), "--calibration", str(tmp_path / "missing.json")])
    assert bad.exit_code == 2 and "no such profile file" in bad.stderr


def test_grade_cli_applies_a_matching_profile(fake, tmp_path):
    repo = make_repo(tmp_path / "repo")
    runner = CliRunner()
    base = ["grade", str(repo), "--rubric", "rails-rubyllm-v1", "--no-runtime", "--judge-model", MODEL,
            "--judge-api-base", fake.base, "--judge-samples", "1", "--judge-cache", str(tmp_path / "c.sqlite3")]
    first = runner.invoke(app, [*base, "--out", str(tmp_path / "raw")])
    assert first.exit_code == 0, first.output
    raw = json.loads((tmp_path / "raw" / "report.json").read_text())
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps(_profile_lowering(raw["judge"]["prompt_version"])))
    got = runner.invoke(app, [*base, "--out", str(tmp_path / "cal"), "--calibration", str(profile)])
    assert got.exit_code == 0, got.output
    report = json.loads((tmp_path / "cal" / "report.json").read_text())
    v = next(v for v in report["judge"]["verdicts"] if v["criterion"] == "error_ui_quality")
    assert v["raw_score"] == 2 and v["calibrated_score"] == pytest.approx(1.0)
    assert "calibration profile applied" in next(s for s in report["stages"] if s["name"] == "judge")["detail"]
    assert report["total"] < raw["total"]
