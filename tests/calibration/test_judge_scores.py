"""Judge verdicts in report.json -> judge.csv rows, one per sample."""

import csv

from calib_judge_reports import verdict, write_report

from calibration.judge_scores import extract_reports, find_reports


def test_verdicts_become_one_row_per_sample(tmp_path):
    write_report(tmp_path, "run01", [
        verdict("dimension:architecture", "architecture", [4, 5, 4]),
        verdict("persistence_design", "persistence", [2, 2, 1], top=2),
        verdict("error_ui_quality", "errors", [], status="unverified", top=2),
        verdict("dimension:production", "production", [1, 4, 2], status="unstable"),
    ])
    write_report(tmp_path, "run02", [verdict("dimension:architecture", "architecture", [2, 2, 3], model="m2")])
    ex = extract_reports(find_reports(tmp_path))
    got = sorted((r.item, r.dimension, r.criterion, r.model, r.sample, r.score) for r in ex.rows)
    assert ("run01", "architecture", None, "openai/judge-a", 1, 5.0) in got
    assert ("run01", "persistence", "persistence_design", "openai/judge-a", 2, 1.0) in got
    assert ("run01", "production", None, "openai/judge-a", 1, 4.0) in got  # unstable keeps its samples
    assert ("run02", "architecture", None, "m2", 2, 3.0) in got
    assert len(got) == 12
    assert not any(r[2] == "error_ui_quality" for r in got)
    assert ex.unscored == ["run01 error_ui_quality openai/judge-a: unverified"]
    assert ex.prompt_versions == {"tpl-abc123"}


def test_report_without_judge_is_a_problem_not_a_crash(tmp_path):
    (tmp_path / "run01").mkdir()
    (tmp_path / "run01" / "report.json").write_text('{"rubric": "x", "judge": null}')
    (tmp_path / "run02").mkdir()
    (tmp_path / "run02" / "report.json").write_text("{not json")
    ex = extract_reports(find_reports(tmp_path))
    assert ex.rows == []
    assert any("run01: report has no judge section" in p for p in ex.problems)
    assert any("run02: cannot read" in p for p in ex.problems)


def test_extract_command_writes_the_contract_columns(cli, tmp_path):
    write_report(tmp_path / "reports", "run01", [verdict("dimension:architecture", "architecture", [4, 5])])
    out = tmp_path / "judge.csv"
    result = cli("extract", tmp_path / "reports", "--out", out)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(out.open()))
    assert rows[0][:5] == ["item", "dimension", "score", "model", "sample"]
    assert rows[1:] == [["run01", "architecture", "4", "openai/judge-a", "0", ""],
                        ["run01", "architecture", "5", "openai/judge-a", "1", ""]]
    result = cli("extract", tmp_path / "nothing", "--out", out)
    assert result.exit_code == 2
