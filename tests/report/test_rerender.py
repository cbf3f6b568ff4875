"""Reports are pure functions of report.json: `grader report render` re-creates, without the repo,
exactly the files `grade` wrote, and a stored report loads back into the same typed model."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from grader.cli import app
from grader.report.model import REPORT_SCHEMA_VERSION, GradeReport
from grader.runtime.models import RuntimeReport

runner = CliRunner()


@pytest.mark.parametrize("name,rubric", [("rubyllm_client", "rails-rubyllm-v2"), ("committed_env", "rails-rubyllm-v1"),
                                         ("overclaiming_self_review", "rails-rubyllm-v2")])
def test_a_stored_report_re_renders_byte_identical_without_the_repo(graded, tmp_path, name, rubric):
    repo = tmp_path / name
    shutil.copytree(graded.repo(name), repo)
    out = tmp_path / "out"
    res = runner.invoke(app, ["grade", str(repo), "--rubric", rubric, "--no-runtime", "--no-judge", "--out", str(out)])
    assert res.exit_code == 0, res.output
    shutil.rmtree(repo)  # rendering must not need it
    data = json.loads((out / "report.json").read_text())
    assert data["schema_version"] == REPORT_SCHEMA_VERSION
    if name == "rubyllm_client":
        assert data["excerpts"] and 'class="ln hit"' in (out / "report.html").read_text()
    for fmt, ext in (("html", "html"), ("md", "md"), ("json", "json")):
        target = tmp_path / f"again.{ext}"
        res = runner.invoke(app, ["report", "render", str(out / "report.json"), "--format", fmt, "-o", str(target)])
        assert res.exit_code == 0, res.output
        assert target.read_bytes() == (out / f"report.{ext}").read_bytes(), fmt


def test_a_runtime_report_survives_the_round_trip(graded):
    report = graded.grade("good_app", "rails-rubyllm-v1")
    runtime = RuntimeReport(status="failed", skipped_reason="boom", engine="docker x")
    ran = report.model_copy(update={"runtime": runtime})
    back = GradeReport.model_validate_json(ran.model_dump_json())
    assert isinstance(back.runtime, RuntimeReport) and back.runtime.engine == "docker x"
    skipped = GradeReport.model_validate_json(report.model_dump_json())
    assert skipped.runtime.model_dump() == {"status": "skipped", "skipped_reason": report.runtime.skipped_reason}


def test_render_rejects_bad_input_in_one_line(tmp_path):
    bad = tmp_path / "r.json"
    bad.write_text('{"rubric": 1}')
    for args, words in ((["report", "render", str(tmp_path / "missing.json")], "no such report file"),
                        (["report", "render", str(bad)], "is not a grader report.json"),
                        (["report", "render", str(bad), "--format", "pdf"], "--format must be one of")):
        res = runner.invoke(app, args)
        assert res.exit_code == 2 and words in res.output and "Traceback" not in res.output, res.output
