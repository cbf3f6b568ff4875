"""A runtime run that reached the engine but booted, tested and gated nothing (issue 12: a real app whose
test image cannot be built offline) is never an "ok" stage, and report.md/html show its steps, the
engine and the sub-folder it ran in, whatever the stage's status.

The RuntimeReport is the runtime's own model, filled as run_runtime fills it for such an app, its status
settled by the same rule run_runtime applies (docker tests cover run_runtime itself); only the container
work is left out. The grade stage and `grader runtime run` only read that status."""

from __future__ import annotations

import grader.runtime
from grader.pipeline import GradeOptions, grade_path
from grader.report.render import render_html, render_markdown
from grader.runtime.models import RuntimeReport, StepStatus
from grader.runtime.outcome import settle
from grader.stages import RuntimeStage, StaticStage

BUNDLE = "The command '/bin/sh -c bundle install --local || bundle install' returned a non-zero code: 17"
PULL = 'Get "https://registry-1.docker.io/v2/": dial tcp: lookup registry-1.docker.io: no such host'


def _offline_run(test_image: StepStatus) -> RuntimeReport:
    report = RuntimeReport(status=StepStatus.ok, engine="docker 20.10.24 (API 1.41)", profile="rails-minitest",
                           app_root="web", app_root_note="app root web/: the repo's top folder holds no app",
                           duration_seconds=4.1)
    report.build.status, report.build.reason = StepStatus.failed, PULL
    report.test_image.status, report.test_image.reason = test_image, BUNDLE
    for step in (report.boot, report.tests, report.gates.rubocop, report.gates.brakeman, report.gates.bundle_audit):
        step.status, step.reason = StepStatus.not_applicable, f"test image not built ({test_image.value})"
    report.compose.status, report.compose.reason = StepStatus.failed, "service db: a literal POSTGRES_PASSWORD"
    return report


def _settled(report: RuntimeReport) -> RuntimeReport:
    settle(report)  # what run_runtime does once its steps ended
    return report


def _grade(tmp_path, monkeypatch, runtime_report: RuntimeReport):
    (tmp_path / "web").mkdir(parents=True)
    (tmp_path / "web" / "Gemfile").write_text("gem 'rails'\ngem 'ruby_llm'\n")
    monkeypatch.setattr(grader.runtime, "run_runtime", lambda repo, opts, cancel=None, progress=None: runtime_report)
    return grade_path(tmp_path, "rails-rubyllm-v1", GradeOptions(judge=False, stages=[StaticStage(), RuntimeStage()]))


def test_a_run_that_booted_nothing_is_a_failed_stage_with_its_steps_shown(tmp_path, monkeypatch):
    report = _grade(tmp_path, monkeypatch, _settled(_offline_run(StepStatus.failed)))
    stage = report.stage("runtime")
    assert stage.status == "failed"
    assert stage.detail == (f"nothing booted, tested or gated: test image failed: {BUNDLE}; "
                            f"the repo's Dockerfile failed: {PULL}")
    md = render_markdown(report)
    section = md.split("## Runtime", 1)[1].split("\n## ", 1)[0]
    assert "Status failed (nothing booted, tested or gated" in section and "engine docker 20.10.24" in section
    assert "Ran in web/ (app root web/: the repo's top folder holds no app)." in section
    assert "| test_image | failed |" in section and "| compose | failed | service db" in section
    html = render_html(report)
    runtime_html = html.split('<section id="runtime">', 1)[1].split("</section>", 1)[0]
    assert "Status failed (nothing booted" in runtime_html and 'id="runtime-test_image"' in runtime_html
    assert "Ran in web/" in runtime_html


def test_a_run_whose_test_image_was_skipped_is_a_skipped_stage(tmp_path, monkeypatch):
    report = _grade(tmp_path, monkeypatch, _settled(_offline_run(StepStatus.skipped)))
    assert report.stage("runtime").status == "skipped"
    assert report.stage("runtime").detail.startswith(f"nothing booted, tested or gated: test image skipped: {BUNDLE}")
    section = render_markdown(report).split("## Runtime", 1)[1].split("\n## ", 1)[0]
    assert "Status skipped (nothing booted" in section and "| build | failed |" in section  # steps still shown


def test_a_run_that_tested_the_app_stays_ok(tmp_path, monkeypatch):
    run = _offline_run(StepStatus.ok)
    run.tests.status, run.tests.reason, run.tests.runs, run.tests.failures = StepStatus.failed, None, 3, 1
    report = _grade(tmp_path, monkeypatch, _settled(run))
    assert report.stage("runtime").status == "ok" and report.stage("runtime").detail is None


def test_a_run_that_stopped_part_way_is_partial_only_when_it_measured_something(tmp_path, monkeypatch):
    for booted, stage_status in ((True, "partial"), (False, "failed")):
        run = _offline_run(StepStatus.ok)
        run.status, run.skipped_reason = StepStatus.failed, "runtime stage error: APIError: 500 Server Error"
        if booted:
            run.boot.status, run.boot.reason, run.boot.http_status = StepStatus.ok, None, 200
        stage = _grade(tmp_path / str(booted), monkeypatch, _settled(run)).stage("runtime")
        assert (stage.status, stage.detail) == (stage_status, run.skipped_reason)


def test_runtime_run_exits_3_and_says_so_when_nothing_of_the_app_ran(tmp_path, monkeypatch):
    """`grader runtime run` agrees with the grade stage: a run whose images failed is not exit 0."""
    from typer.testing import CliRunner

    from grader.cli import app

    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "Gemfile").write_text("gem 'rails'\n")
    for test_image, code in ((StepStatus.failed, 3), (StepStatus.ok, 0)):
        run = _offline_run(test_image)
        if test_image is StepStatus.ok:  # it booted: a measured app, whatever the answer
            run.boot.status, run.boot.reason = StepStatus.failed, "app exited with code 1 before answering HTTP"
        settle(run)
        monkeypatch.setattr(grader.runtime, "run_runtime", lambda repo, opts, cancel=None, progress=None, r=run: r)
        result = CliRunner().invoke(app, ["runtime", "run", str(tmp_path), "--base-image", "grader-base:bookworm"])
        assert result.exit_code == code, result.output
        said = "nothing booted, tested or gated: test image failed" in result.output
        assert said is (code == 3)


def test_both_reports_show_one_runtime_section_decided_once(tmp_path, monkeypatch):
    """Whether the run reached the engine is one decision (GradeReport.runtime_reached_engine); Markdown and
    HTML print the same rows of the same section: a skipped run that reached the engine keeps its table,
    one that found no engine (or was switched off) has none in either."""
    import re

    from grader.report.summary import runtime_section
    from grader.runtime.models import RuntimeReport

    reached = _grade(tmp_path / "reached", monkeypatch, _settled(_offline_run(StepStatus.skipped)))
    no_engine = _grade(tmp_path / "none", monkeypatch, RuntimeReport(skipped_reason="no Docker daemon reachable"))
    off = grade_path(tmp_path / "reached", "rails-rubyllm-v1", GradeOptions(runtime=False, judge=False))
    assert [g.runtime_reached_engine() for g in (reached, no_engine, off)] == [True, False, False]
    rows = runtime_section(reached).rows
    assert [row.label for row in rows] == ["build", "test_image", "boot", "tests", "compose", "gate rubocop",
                                           "gate brakeman", "gate bundle_audit"]
    md_rows = re.findall(r"^\| (\S[^|]*?) \| (\w+) \|", render_markdown(reached).split("## Runtime", 1)[1], re.M)
    html_rows = re.findall(r"<tr id=\"[^\"]+\"><td>([^<]+)</td><td>(\w+)</td>",
                           render_html(reached).split('<section id="runtime">', 1)[1].split("</section>", 1)[0])
    assert md_rows[1:] == html_rows == [(row.label, row.status) for row in rows]  # md_rows[0]: the header
    for graded in (no_engine, off):
        assert runtime_section(graded).rows == []
        assert "| step | status |" not in render_markdown(graded)
        assert "<th>step</th>" not in render_html(graded).split('<section id="runtime">', 1)[1].split("</section>")[0]
    assert runtime_section(no_engine).intro == "Skipped: no Docker daemon reachable. Points that need it are pending."


def test_a_switched_off_runtime_is_said_once_and_a_long_cell_shows_its_cut(tmp_path, monkeypatch):
    off = grade_path(_offline_app(tmp_path), "rails-rubyllm-v1", GradeOptions(runtime=False, judge=False))
    md = render_markdown(off)
    assert "Skipped: --no-runtime: runtime facts unknown, their points pending.\n" in md  # not "pending" twice
    run = _offline_run(StepStatus.skipped)
    run.test_image.reason = "bundle install failed: " + "word " * 100
    cell = render_markdown(_grade(tmp_path / "long", monkeypatch, _settled(run))).split("| runtime | skipped | ")[1]
    assert cell.split(" |")[0].endswith(" word…") and len(cell.split(" |")[0]) <= 300


def _offline_app(folder):
    (folder / "web").mkdir(parents=True)
    (folder / "web" / "Gemfile").write_text("gem 'rails'\n")
    return folder


def test_the_runtime_sentence_names_the_stopped_steps_and_leaves_their_reasons_to_the_table(tmp_path, monkeypatch):
    """The test image's reason was printed twice in a row (the sentence, then its table row): the sentence now
    names which steps stopped; the stage's detail (Stages table, terminal) keeps the reasons."""
    report = _grade(tmp_path, monkeypatch, _settled(_offline_run(StepStatus.failed)))
    section = render_markdown(report).split("## Runtime", 1)[1].split("\n## ", 1)[0]
    intro = section.split("\n\n")[1]
    assert intro.startswith("Status failed (nothing booted, tested or gated: test image failed; the repo's "
                            "Dockerfile failed; the steps below say why), 4.1 s")
    assert section.count("returned a non-zero code: 17") == 1  # in the test_image row only
    assert report.stage("runtime").detail.endswith(PULL)  # the stage itself still says why


def test_the_base_image_the_grader_chose_and_a_widened_ruby_pin_are_said_above_the_steps(tmp_path, monkeypatch):
    run = _offline_run(StepStatus.skipped)
    run.test_image.base_image = "grader-base:trixie"
    run.test_image.base_choice = ("grader-base:trixie (Ruby 3.3.8, Bundler 2.6.7): the repo asks for Ruby 3.3.6 "
                                  "(Gemfile ruby) and Bundler 2.5.22 (Gemfile.lock BUNDLED WITH)")
    run.test_image.ruby_widened = ("the Gemfile asks for Ruby 3.3.6 exactly (Gemfile line 3); built and run on Ruby "
                                   "3.3.8, a later release of the same 3.3 series (the build's copy asks for ~> 3.3.0)")
    md = render_markdown(_grade(tmp_path, monkeypatch, _settled(run)))
    intro = md.split("## Runtime", 1)[1].split("| step |", 1)[0]
    assert "Base image grader-base:trixie (Ruby 3.3.8, Bundler 2.6.7): the repo asks for Ruby 3.3.6" in intro
    assert "Ruby: the Gemfile asks for Ruby 3.3.6 exactly (Gemfile line 3); built and run on Ruby 3.3.8" in intro
    assert "| test_image | skipped | The command '/bin/sh -c bundle install" in md  # the reason leads its cell
