"""`grader grade`, `grader grade-many` and `grader rubric` end to end through the CLI."""

from __future__ import annotations

import csv
import json
import re
import shutil

from typer.testing import CliRunner

from grader.cli import app

runner = CliRunner()


def test_grade_writes_three_reports(graded, tmp_path):
    repo = graded.repo("csrf_off")
    out = tmp_path / "out"
    res = runner.invoke(app, ["grade", str(repo), "--rubric", "rails-rubyllm-v1", "--no-runtime", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert res.stdout.startswith("csrf_off: 85/100 earned on rails-rubyllm-v1, 11 points pending, tier A (provisional)")
    # Not a terminal: one plain line per stage event on stderr, each stage named with its outcome.
    assert "static finished" in res.stderr and "runtime skipped: --no-runtime" in res.stderr
    data = json.loads((out / "report.json").read_text())
    assert (data["total"], data["pending_points"], data["tier"]) == (85, 11, "A")
    assert "# Grade report: csrf_off" in (out / "report.md").read_text()
    assert "<html" in (out / "report.html").read_text()


def test_grade_with_a_user_rubric_file_changes_the_grade_without_code(graded, tmp_path):
    rubric = tmp_path / "strict.yaml"
    rubric.write_text("""\
schema_version: 1
id: strict
title: Strict CSRF
dimensions:
  - {id: security, title: Security, max: 10}
tiers:
  - {name: pass, min: 5}
  - {name: fail, min: 0}
deductions:
  - {id: csrf, dimension: security, points: 10, reason: CSRF off,
     when: {fact: security.csrf_disabled_globally, equals: true}}
""")
    out = tmp_path / "out"
    res = runner.invoke(app, ["grade", str(graded.repo("csrf_off")), "--rubric", str(rubric), "--no-runtime",
                              "--out", str(out)])
    assert res.exit_code == 0, res.output
    data = json.loads((out / "report.json").read_text())
    assert (data["rubric"], data["total"], data["tier"], data["pending_points"]) == ("strict", 0, "fail", 0)
    assert data["dimensions"][0]["deductions"][0]["id"] == "csrf"


def test_grade_rejects_a_broken_rubric_with_its_line(graded, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\nid: x\ntitle: X\ndimensions: []\ntiers:\n  - {name: A, min: 0}\n")
    res = runner.invoke(app, ["grade", str(graded.repo("good_app")), "--rubric", str(bad),
                              "--out", str(tmp_path / "o")])
    assert res.exit_code == 2
    assert f"{bad}:4: dimensions: List should have at least 1 item" in res.output
    assert not (tmp_path / "o").exists()


def test_grade_missing_path_is_an_input_error(tmp_path):
    res = runner.invoke(app, ["grade", str(tmp_path / "nope"), "--rubric", "rails-rubyllm-v1",
                              "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and "no such path" in res.output


def test_grade_many_lists_a_broken_repo_with_its_error(graded, tmp_path):
    folder = tmp_path / "repos"
    folder.mkdir()
    for name in ("good_app", "rubyllm_client", "stock_readme"):
        shutil.copytree(graded.repo(name), folder / name)
    (folder / "broken.tar.gz").write_bytes(b"this is not a tar archive")
    (folder / ".hidden").mkdir()
    out = tmp_path / "board"
    res = runner.invoke(app, ["grade-many", str(folder), "--rubric", "rails-rubyllm-v1", "--no-runtime",
                              "--out", str(out), "--jobs", "2"])
    assert res.exit_code == 1, res.output  # one repo failed
    assert "graded 3/4 repos" in res.output
    rows = list(csv.DictReader((out / "leaderboard.csv").open()))
    assert [(r["rank"], r["name"], r["total"], r["tier"]) for r in rows] == [
        ("1", "good_app", "87.0", "A"), ("2", "stock_readme", "82.0", "A"), ("3", "rubyllm_client", "69.0", "B"),
        ("", "broken", "", ""),
    ]
    assert rows[3]["error"].startswith("IngestError: ") and "broken.tar.gz" in rows[3]["error"]
    md = (out / "leaderboard.md").read_text()
    assert re.search(r"\| - \| broken \|( - \|)+ \*\*not graded\*\*: IngestError", md)
    # Per-dimension scores and finding counts, in every format.
    good = rows[0]
    from grader.rubric import load_rubric

    dims = [d.id for d in load_rubric("rails-rubyllm-v1").dimensions]
    assert sum(float(good[f"dim:{d}"]) for d in dims) == float(good["total"])
    assert good["findings_error"].isdigit() and rows[3]["findings_error"] == ""
    assert md.splitlines()[4].count("|") == len(dims) + 8
    html = (out / "leaderboard.html").read_text()
    assert "not graded" in html and 'href="good_app/report.html"' in html
    for name in ("good_app", "rubyllm_client", "stock_readme"):
        assert (out / name / "report.json").is_file()


def test_rubric_validate_and_show(tmp_path):
    res = runner.invoke(app, ["rubric", "validate", "rubric/rails-rubyllm-v2.yaml"])
    assert res.exit_code == 0 and "rails-rubyllm-v2: valid (10 dimensions, 100 points" in res.output
    assert "warning" not in res.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\nid: x\ntitle: X\ndimensions:\n  - {id: d, title: D, max: 5}\n"
                   "tiers:\n  - {name: A, min: 0}\ndeductions:\n  - {id: q, dimension: e, points: 1, reason: r}\n"
                   "  - {id: z, dimension: d, points: 1, reason: r, when: {fact: no.such.fact}}\n")
    res = runner.invoke(app, ["rubric", "validate", str(bad)])
    assert res.exit_code == 1
    assert f"{bad}:9: deductions.0.dimension: deduction 'q' names unknown dimension 'e'" in res.output
    bad.write_text(bad.read_text().replace("dimension: e", "dimension: d"))
    res = runner.invoke(app, ["rubric", "validate", str(bad)])
    assert res.exit_code == 0 and "fact id 'no.such.fact' is in no stage's catalog" in res.output
    res = runner.invoke(app, ["rubric", "show", "rails-rubyllm-v1"])
    assert res.exit_code == 0 and "Deliverable completeness" in res.output and "compose_missing" in res.output
    res = runner.invoke(app, ["rubric", "show", "rails-rubyllm-v1"], env={"COLUMNS": "300"})
    assert "-1 × gems.missing_required_count, at most 7" in res.output


def test_grade_an_archive_through_ingest(graded, tmp_path):
    import tarfile

    archive = tmp_path / "no_compose.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(graded.repo("no_compose"), arcname="no_compose")
    out = tmp_path / "out"
    res = runner.invoke(app, ["grade", str(archive), "--rubric", "rails-rubyllm-v1", "--no-runtime", "--out", str(out)])
    assert res.exit_code == 0, res.output
    data = json.loads((out / "report.json").read_text())
    assert data["repo"]["kind"] == "archive" and data["repo"]["name"] == "no_compose"
    deliverables = next(d for d in data["dimensions"] if d["id"] == "deliverables")
    assert [x["id"] for x in deliverables["deductions"]] == ["compose_missing"]
    assert "compose.yaml" not in (out / "report.md").read_text().split("## Dimensions")[0]


def test_cli_import_stays_light():
    import subprocess
    import sys

    code = ("import sys, grader.cli; heavy = [m for m in ('docker', 'jinja2', 'grader.pipeline', 'grader.scoring', "
            "'grader.report.render', 'grader.selfreview') if m in sys.modules]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
