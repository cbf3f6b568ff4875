"""Isotonic correction profiles: fitted maps, out-of-sample error, keys, apply_profile."""

import numpy as np
import pytest
from calib_helpers import EXAMPLE_SET
from calib_judge_reports import verdict
from sklearn.isotonic import IsotonicRegression

from calibration.profile import ProfileError, apply_profile, fit_profile, map_score, rubric_version
from calibration.scores import HumanScore, JudgeScore, read_human_csv
from grader.judge.models import JudgeReport
from grader.rubric import load_rubric

RUBRIC = load_rubric("rails-rubyllm-v1")


def _lenient_judge(human_rows, shift=1.5, model="m1"):
    """A judge that overrates every item by `shift` (capped at the max): isotonic should undo it."""
    seen = {}
    for r in human_rows:
        seen.setdefault(r.key, []).append(r.score)
    rows = []
    for (item, dim, crit), scores in seen.items():
        top = 2 if crit else 5
        for k in range(3):
            rows.append(JudgeScore(item, dim, crit, min(top, float(np.mean(scores)) + shift * top / 5), model, k))
    return rows


def test_fit_undoes_a_lenient_judge_and_reports_out_of_sample_error():
    human = read_human_csv(EXAMPLE_SET / "human.csv")
    profile = fit_profile(human, _lenient_judge(human), RUBRIC, prompt_version="tpl-1")
    assert profile["key"] == {"judge_models": ["m1"], "prompt_version": "tpl-1", "rubric": rubric_version(RUBRIC)}
    arch = profile["models"]["m1"]["dimension:architecture"]
    assert arch["n"] == 8 and arch["validation"] == "leave-one-out" and arch["max"] == 5
    assert arch["mae_raw"] > 1.0
    assert arch["mae_in_sample"] < arch["mae_raw"] / 3
    assert arch["mae_in_sample"] <= arch["mae_out_of_sample"]  # held-out error is the honest one
    assert set(profile["models"]["m1"]) == {"dimension:architecture", "dimension:production",
                                            "persistence_design", "error_ui_quality"}


def test_stored_map_predicts_like_sklearn():
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 5, 40)
    y = np.clip(0.6 * x + rng.normal(0, 0.5, 40), 0, 5)
    iso = IsotonicRegression(y_min=0, y_max=5, out_of_bounds="clip").fit(x, y)
    m = {"x": list(iso.X_thresholds_), "y": list(iso.y_thresholds_), "max": 5}
    probe = np.linspace(-1, 6, 57)
    np.testing.assert_allclose([map_score(m, v) for v in probe], iso.predict(probe), atol=1e-12)


def test_k_fold_above_thirty_items():
    human = [HumanScore(f"i{k}", "architecture", None, float(k % 6), "", k + 2) for k in range(40)]
    judge = [JudgeScore(f"i{k}", "architecture", None, float(min(5, k % 6 + 1)), "m", 0) for k in range(40)]
    m = fit_profile(human, judge, RUBRIC, prompt_version=None)["models"]["m"]["dimension:architecture"]
    assert m["validation"] == "5-fold" and m["n"] == 40


def test_too_few_pairs():
    human = [HumanScore("a", "architecture", None, 3.0, "", 2)]
    judge = [JudgeScore("a", "architecture", None, 4.0, "m", 0)]
    with pytest.raises(ProfileError, match="nothing to fit"):
        fit_profile(human, judge, RUBRIC, prompt_version=None)


def _judge_report(prompt="tpl-1"):
    return JudgeReport(status="ok", models=["m1"], prompt_version=prompt, samples=3, verdicts=[
        verdict("dimension:architecture", "architecture", [5, 5, 5], model="m1"),
        verdict("persistence_design", "persistence", [2, 2, 2], model="m1", top=2),
        verdict("error_ui_quality", "errors", [], model="m1", status="failed", top=2),
        verdict("architecture_quality", "architecture", [1, 2, 2], model="m1", top=2),
    ])


def test_apply_profile_keeps_raw_and_calibrated():
    human = read_human_csv(EXAMPLE_SET / "human.csv")
    profile = fit_profile(human, _lenient_judge(human), RUBRIC, prompt_version="tpl-1")
    report = _judge_report()
    got, note = apply_profile(report, RUBRIC, profile)
    arch = got.verdicts[0]
    assert arch.raw_score == 5 and arch.calibrated_score == pytest.approx(
        map_score(profile["models"]["m1"]["dimension:architecture"], 5))
    assert arch.score == arch.calibrated_score < 5
    assert got.verdicts[2].raw_score is None and got.verdicts[2].score is None  # failed stays failed
    assert got.verdicts[3].raw_score is None and got.verdicts[3].score == 2  # no map: raw kept
    assert "applied to 2 verdict(s)" in note and "no map for m1 architecture_quality" in note
    assert report.verdicts[0].score == 5  # the input is not modified
    again, _ = apply_profile(got, RUBRIC, profile)
    assert again.verdicts[0].raw_score == 5 and again.verdicts[0].score == arch.score  # idempotent


def test_apply_profile_refuses_on_a_key_mismatch():
    human = read_human_csv(EXAMPLE_SET / "human.csv")
    profile = fit_profile(human, _lenient_judge(human), RUBRIC, prompt_version="tpl-1")
    got, note = apply_profile(_judge_report(prompt="tpl-2"), RUBRIC, profile)
    assert "not applied" in note and "tpl-1" in note and "tpl-2" in note
    assert got.verdicts[0].score == 5 and got.verdicts[0].calibrated_score is None
    _, note = apply_profile(_judge_report(), load_rubric("rails-rubyllm-v2"), profile)
    assert "fitted on rubric rails-rubyllm-v1" in note


def test_a_map_worse_than_the_raw_judge_out_of_sample_is_not_applied():
    """A judge already equal to the humans but for noise: isotonic cannot beat it on held-out items."""
    rng = np.random.default_rng(1)
    human, judge = [], []
    for k in range(12):
        h = float(rng.integers(0, 6))
        human.append(HumanScore(f"i{k}", "architecture", None, h, "", k + 2))
        judge.append(JudgeScore(f"i{k}", "architecture", None, h, "m1", 0))
    human[3] = HumanScore("i3", "architecture", None, 5.0 if judge[3].score < 3 else 0.0, "", 5)
    profile = fit_profile(human, judge, RUBRIC, prompt_version="tpl-1")
    m = profile["models"]["m1"]["dimension:architecture"]
    assert m["improves"] is False and m["mae_out_of_sample"] >= m["mae_raw"]
    assert any("will not be applied" in n for n in profile["notes"])
    report = JudgeReport(status="ok", models=["m1"], prompt_version="tpl-1",
                         verdicts=[verdict("dimension:architecture", "architecture", [3, 3, 3], model="m1")])
    got, note = apply_profile(report, RUBRIC, profile)
    assert got.verdicts[0].score == 3 and got.verdicts[0].calibrated_score is None
    assert "not better than the raw judge out of sample" in note
