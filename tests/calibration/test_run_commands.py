"""run (--resume over existing reports), report, fit and the check gate, through the CLI."""

import csv
import json

import pytest
from calib_helpers import EXAMPLE_SET
from calib_judge_reports import verdict, write_report

SHIFT = {"run01": 0, "run02": 1, "run03": 0, "run04": 1, "run05": -1, "run06": 1, "run07": 0, "run08": 1}


def _reports_like_a_judge(folder, model="openai/judge-a", shift=SHIFT):
    """report.json per item whose judge verdicts follow the set's first rater, shifted per item."""
    first = {}
    for r in csv.DictReader((EXAMPLE_SET / "human.csv").open()):
        first.setdefault((r["item"], r["dimension"], r["criterion"]), float(r["score"]))
    by_item = {}
    for (item, dim, crit), score in first.items():
        top = 2 if crit else 5
        val = max(0.0, min(top, score + shift[item]))
        by_item.setdefault(item, []).append(
            verdict(crit or f"dimension:{dim}", dim, [val, val, min(top, val + 1)], model=model, top=top))
    for item, verdicts in by_item.items():
        write_report(folder / "reports", item, verdicts)


@pytest.fixture
def run_dir(tmp_path, cli):
    run = tmp_path / "run"
    _reports_like_a_judge(run)
    result = cli("run", EXAMPLE_SET, "--out", run, "--resume", "-B", "100")
    assert result.exit_code == 0, result.output
    return run


def test_run_resume_writes_the_run_folder(run_dir):
    manifest = json.loads((run_dir / "run.json").read_text())
    assert manifest["rubric"] == "rails-rubyllm-v1" and manifest["synthetic"] is True
    assert manifest["prompt_version"] == "tpl-abc123"
    assert manifest["judge_models"] == ["openai/judge-a"]
    assert {v["status"] for v in manifest["items"].values()} == {"reused"}
    rows = list(csv.DictReader((run_dir / "judge.csv").open()))
    assert len(rows) == 8 * 4 * 3
    assert (run_dir / "agreement.html").is_file() and (run_dir / "agreement.json").is_file()
    assert len((run_dir / "human.csv").read_text().splitlines()) == 65


def test_report_json(run_dir, cli):
    result = cli("report", run_dir, "--format", "json", "-B", "100")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["items"] == 8 and report["synthetic"] is True
    assert report["dimensions"]["architecture"]["bias"] > 0  # the judge was shifted up on most items


def test_check_gate_passes_and_fails_with_the_figures(run_dir, cli):
    ok = cli("check", run_dir, "--min-qwk", "0.3", "--max-mae", "1.5", "--dimension", "architecture")
    assert ok.exit_code == 0, ok.output
    assert "gate passed" in ok.stdout
    bad = cli("check", run_dir, "--min-qwk", "0.99", "--max-mae", "0.1")
    assert bad.exit_code == 1
    assert "calibration gate FAILED" in bad.stdout
    assert "architecture: qwk" in bad.stdout and "< 0.99" in bad.stdout
    assert "total: mae" in bad.stdout
    unknown = cli("check", run_dir, "--min-qwk", "0.5", "--dimension", "styling")
    assert unknown.exit_code == 2 and "styling: not scored in this run" in unknown.stderr
    assert cli("check", run_dir).exit_code == 2


def test_fit_writes_a_profile(run_dir, cli, tmp_path):
    out = tmp_path / "profile.json"
    result = cli("fit", run_dir, "--out", out)
    assert result.exit_code == 0, result.output
    profile = json.loads(out.read_text())
    assert profile["key"]["prompt_version"] == "tpl-abc123"
    assert profile["key"]["rubric"]["id"] == "rails-rubyllm-v1"
    assert "leave-one-out" in result.stdout and "dimension:architecture" in result.stdout


def test_run_without_reports_or_model_is_refused(cli, tmp_path):
    result = cli("run", EXAMPLE_SET, "--out", tmp_path / "r")
    assert result.exit_code == 2 and "--judge-model" in result.stderr
    result = cli("report", tmp_path / "nowhere")
    assert result.exit_code == 2 and "not a calibration run" in result.stderr


def test_run_with_missing_reports_marks_items_failed(cli, tmp_path):
    run = tmp_path / "run"
    _reports_like_a_judge(run)
    (run / "reports" / "run03" / "report.json").unlink()
    result = cli("run", EXAMPLE_SET, "--out", run, "--resume", "-B", "50")
    assert result.exit_code == 1
    manifest = json.loads((run / "run.json").read_text())
    assert manifest["items"]["run03"]["status"] == "failed"
    assert "7/8 items graded" in result.stdout
    assert "human scores but no judge score: run03" in result.stdout
