"""A profile applied inside the real judge stage, against the loopback OpenAI-compatible server."""

import pytest
from calib_loopback import FakeLLM, Reply, criterion_of, good_answer, make_repo

from calibration.apply import CalibratedJudgeStage, calibrated_stages
from calibration.profile import fit_profile
from calibration.scores import HumanScore, JudgeScore
from grader.core.stage import StageContext
from grader.judge import JudgeOptions, JudgeStage
from grader.rubric import load_rubric
from grader.scoring import FactSet

MODEL = "openai/fake-judge"
RUBRIC = load_rubric("rails-rubyllm-v1")


@pytest.fixture
def fake():
    server = FakeLLM().start()
    # the judge always says 2 on error_ui_quality and 5 on the holistic architecture score
    server.script = lambda req, n: Reply(answer=good_answer(
        req, 5 if criterion_of(req) == "dimension:architecture" else 2, "chats_controller"))
    yield server
    server.stop()


def _run(stage, repo):
    ctx = StageContext(repo=repo, rubric=RUBRIC, facts=FactSet([], missing_stages={"runtime", "selfreview"}))
    return stage.run(ctx)


def _options(fake, tmp_path):
    return JudgeOptions(models=[MODEL], api_base=fake.base, samples=2, cache_path=tmp_path / "cache.sqlite3",
                        backoff=0.01, timeout=5, retries=1, criteria=["error_ui_quality", "dimension:architecture"])


def _profile_lowering(prompt_version):
    """Humans gave one point less than this judge on error_ui_quality and two less on architecture."""
    human, judge = [], []
    for k in range(6):
        j = k % 3
        human.append(HumanScore(f"i{k}", "errors", "error_ui_quality", max(0, j - 1), "", 0))
        judge.append(JudgeScore(f"i{k}", "errors", "error_ui_quality", j, MODEL, 0))
        human.append(HumanScore(f"i{k}", "architecture", None, max(0, 2 * j + 1 - 2), "", 0))
        judge.append(JudgeScore(f"i{k}", "architecture", None, 2 * j + 1, MODEL, 0))
    return fit_profile(human, judge, RUBRIC, prompt_version=prompt_version)


def test_profile_changes_the_counted_fact_and_keeps_raw(fake, tmp_path):
    repo = make_repo(tmp_path / "repo")
    plain = _run(JudgeStage(_options(fake, tmp_path)), repo)
    assert plain.summary.status == "ok", plain.summary.reason
    calls = fake.calls
    profile = _profile_lowering(plain.summary.prompt_version)
    wrapped = _run(CalibratedJudgeStage(JudgeStage(_options(fake, tmp_path)), profile, "p.json"), repo)
    assert fake.calls == calls  # same prompts: every answer came from the judge cache
    crit = next(v for v in wrapped.summary.verdicts if v.criterion == "error_ui_quality")
    assert crit.raw_score == 2 and crit.calibrated_score == pytest.approx(1.0) and crit.score == pytest.approx(1.0)
    assert crit.samples == [2, 2]  # samples stay raw
    holistic = next(v for v in wrapped.summary.verdicts if v.criterion == "dimension:architecture")
    assert holistic.raw_score == 5 and holistic.calibrated_score == pytest.approx(3.0)
    fact = next(f for f in wrapped.facts if f.id == "judge.error_ui_quality")
    assert fact.value == pytest.approx(1.0) and fact.note.startswith("calibrated:")
    assert next(f for f in plain.facts if f.id == "judge.error_ui_quality").value == 2
    assert "calibration profile applied to 2 verdict(s) (p.json)" in wrapped.detail


def test_mismatched_profile_is_reported_and_changes_nothing(fake, tmp_path):
    repo = make_repo(tmp_path / "repo")
    profile = _profile_lowering("sha256:not-this-template")
    out = _run(calibrated_stages([JudgeStage(_options(fake, tmp_path))], profile)[0], repo)
    assert ("calibration profile not applied: it was fitted on judge prompt version sha256:not-this-template"
            in out.detail)
    crit = next(v for v in out.summary.verdicts if v.criterion == "error_ui_quality")
    assert crit.score == 2 and crit.raw_score is None and crit.calibrated_score is None
    assert next(f for f in out.facts if f.id == "judge.error_ui_quality").value == 2
