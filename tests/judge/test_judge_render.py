"""The judge section of report.md / report.html: verdicts with verified evidence linked to the lines,
hostile repo text escaped."""

from __future__ import annotations

from types import SimpleNamespace

from grader.judge.models import EvidenceCitation, JudgeReport, Verdict
from grader.judge.render import html_section, line_link, markdown_section

EVIL = "<script>alert('x')</script>"


def _report() -> JudgeReport:
    good = EvidenceCitation(file="app/controllers/chats_controller.rb", start_line=4, end_line=6,
                            quote="rescue RubyLLM::RateLimitError => e", verified=True)
    bad = EvidenceCitation(file="app/x.rb", start_line=1, end_line=1, quote=EVIL, verified=False,
                           problem="the quote does not occur in app/x.rb:1-1")
    return JudgeReport(status="partial", reason="1 criteria undecided", models=["openai/m"], prompt_version="sha256:ab",
                       samples=3, calls=7, cost_usd=0.0123, verdicts=[
                           Verdict(criterion="error_ui_quality", dimension="errors", model="openai/m", status="scored",
                                   score=2, max=2, samples=[2, 2, 1], spread=1, evidence=[good], rationale="clear"),
                           Verdict(criterion="persistence_design", dimension="persistence", model="openai/m",
                                   status="unverified", max=2, evidence=[bad], reason="after one re-ask: " + EVIL)])


def test_links_point_at_the_lines():
    git = SimpleNamespace(source="https://github.com/o/app.git@abc123", commit="abc123", kind="git")
    assert line_link(git, "app/a.rb", 4, 6) == "https://github.com/o/app/blob/abc123/app/a.rb#L4-L6"
    folder = SimpleNamespace(source="/srv/repos/app", commit=None, kind="folder")
    assert line_link(folder, "app/a.rb", 3, 3) == "file:///srv/repos/app/app/a.rb#L3"
    assert line_link(SimpleNamespace(source="x.tar.gz", commit=None, kind="archive"), "a", 1, 1) is None


def test_markdown_section():
    repo = SimpleNamespace(source="/srv/repos/app", commit=None, kind="folder")
    md = "\n".join(markdown_section(_report(), repo))
    assert "## LLM judge" in md and "Status **partial**" in md and "$0.0123" in md
    target = "file:///srv/repos/app/app/controllers/chats_controller.rb#L4-L6"
    assert f"[app/controllers/chats_controller.rb:4-6]({target})" in md
    assert "`app/x.rb:1` (unverified)" in md  # an unverified citation is never a link
    assert "<script>" not in md
    assert markdown_section(None) == []


def test_html_section_escapes_repo_text():
    html = str(html_section(_report(), SimpleNamespace(source="https://h/o/app", commit="c1", kind="git")))
    assert '<a href="https://h/o/app/blob/c1/app/controllers/chats_controller.rb#L4-L6">' in html
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "unverified: the quote does not occur" in html


def test_a_judge_that_did_not_run_is_one_sentence_said_once():
    skipped = JudgeReport(status="skipped", reason="no --judge-model given: judge criteria pending")
    md = markdown_section(skipped)
    sentence = "The judge did not run (no --judge-model given): its criteria's points stay pending."
    assert md == ["## LLM judge", "", sentence, ""]
    html = str(html_section(skipped))
    assert html.count(sentence.replace("'", "&#39;")) == 1
    assert "0 calls" not in html and "$0.0000" not in html and "samples per criterion" not in html
    other = markdown_section(JudgeReport(status="skipped", reason="the rubric has no judge criteria"))
    assert other[2] == "The judge did not run: the rubric has no judge criteria."


def test_a_judge_that_ran_keeps_its_status_line():
    cut = JudgeReport(status="skipped", reason="--max-cost reached", calls=2, models=["openai/m"])
    assert "Status **skipped**: --max-cost reached" in "\n".join(markdown_section(cut))
