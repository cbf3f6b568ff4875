"""report.md reads like an audit: summary, dimensions with reasons at file:line, total and tier,
verification of each invented call from the manifest, strongest and weakest point."""

from __future__ import annotations

import json
import re

from grader.report.markdown import render_markdown
from grader.report.render import write_all


def test_markdown_audit_of_an_app_with_an_invented_client(graded):
    report = graded.grade("rubyllm_client", "rails-rubyllm-v1")
    md = render_markdown(report)
    lines = md.splitlines()
    assert lines[0] == "# Grade report: rubyllm_client"
    assert lines[2].startswith("**rubyllm_client: ") and "earned on rails-rubyllm-v1" in lines[2]
    assert f"- Total: **{report.total:g} / 100** earned, {report.pending_points:g} pending" in md
    assert f"- Tier: **{report.tier}**: " in md
    for d in report.dimensions:
        assert f"### {d.title}: {d.score:g}/{d.max:g}" in md
    # Each applied deduction is listed with its points and, when facts carry it, file:line.
    for d in report.dimensions:
        for x in d.deductions:
            if x.points:
                assert f"`{x.id}`" in md
                if x.evidence:
                    assert f"{x.evidence[0].file}:{x.evidence[0].line}" in md
    # Verification: the invented RubyLLM::Client call, with the manifest's proof.
    invented = [f for f in report.findings if f.category.value == "api-hallucination"]
    assert invented, "the static check should find RubyLLM::Client"
    section = md.split("## Verification of invented calls")[1].split("\n## ")[0]
    for f in invented:
        assert f"`{f.file}:{f.line}`" in section
        assert "proof: " in section and "manifest" in section
    assert "- Strongest: " in md and "- Weakest: " in md
    assert "## Arithmetic self-check\n\nPassed" in md


def test_markdown_marks_pending_points_and_skipped_stages(graded):
    report = graded.grade("good_app", "rails-rubyllm-v1")
    md = render_markdown(report)
    assert "| runtime | skipped | --no-runtime" in md
    assert "| judge | skipped |" in md
    assert "(judge criterion)" in md
    assert "unknown: app booted to a working page (runtime stage did not run)" in md
    assert report.pending_points > 0 and report.tier_provisional


def test_pending_items_bounded_by_a_cap_or_floor_say_so(graded):
    """Pending items show their rubric points; when a cap or floor leaves less to gain, the report says
    how much can really move, so '+4 pending' is never read where only 2 can be earned."""
    from grader.report.render import render_html

    report = graded.grade("rubyllm_client", "rails-rubyllm-v2")
    md = render_markdown(report)
    streaming = md.split("### True streaming (G4): 0/10 (+2 pending)")[1].split("\n### ")[0]
    assert "- pending 4 `streaming_is_real` (judge criterion)" in streaming
    assert "name 4 points, but caps, floors and zero leave only 2 that can still change this dimension" in streaming
    review = md.split("### Self-review fidelity: 10/15")[1].split("\n## ")[0]
    assert "name 3 points, but caps, floors and zero leave only 0" in review
    # Not said where every pending point can still move.
    good = render_markdown(graded.grade("good_app", "rails-rubyllm-v2"))
    assert "caps, floors and zero leave" not in good
    assert "name 4 points, but caps, floors and zero leave only 2" in render_html(report)


def test_a_deduction_cut_short_by_a_floor_shows_its_rubric_points(graded):
    from grader.report.render import render_html

    report = graded.grade("overclaiming_self_review", "rails-rubyllm-v2")
    md = render_markdown(report)
    # several_overclaims (3) and fabricated_citations (3) from 15 stop at the band floor of 10.
    def line(label: str, rule: str) -> bool:
        return re.search(rf"^- {re.escape(label)} .*\(`{rule}`\)$", md, re.M) is not None

    assert line("-3", "several_overclaims")
    assert line("-2 of 3 (cut short by a floor or zero)", "fabricated_citations")
    assert line("0 of 1 (nothing left to take)", "no_honest_confession")
    assert line("floor 10", "fidelity_band_floor")
    html = render_html(report)
    assert "<b>−2 of 3 (cut short by a floor or zero)</b>" in html and "<b>cap 6 (−4)</b>" in html


def test_self_review_section_lists_admitted_known_defects(graded):
    md = render_markdown(graded.grade("good_app", "rails-rubyllm-v2"))
    assert "Known defects admitted outside the table (2, honest confessions): line " in md
    assert "The budget counts tokens after the reply" in md
    over = render_markdown(graded.grade("overclaiming_self_review", "rails-rubyllm-v2"))
    assert "Known defects admitted" not in over  # its section says "None."


def test_write_all_writes_three_files_and_json_contract(graded, tmp_path):
    report = graded.grade("stock_readme", "rails-rubyllm-v1")
    written = write_all(report, tmp_path / "out")
    assert sorted(written) == ["report.html", "report.json", "report.md"]
    data = json.loads((tmp_path / "out" / "report.json").read_text())
    for key in ("schema_version", "rubric", "total", "max_total", "pending_points", "tier", "dimensions", "facts",
                "findings", "runtime"):
        assert key in data
    dim = data["dimensions"][0]
    assert {"id", "max", "score", "pending_points", "deductions"} <= set(dim)
    for d in data["dimensions"]:
        for x in d["deductions"]:
            assert {"id", "points", "evidence"} <= set(x)
            for e in x["evidence"]:
                assert isinstance(e["file"], str) and isinstance(e["line"], int)
    assert data["runtime"]["status"] == "skipped"
    assert data["arithmetic_check"] == {"ok": True, "problems": []}


def test_committed_key_never_reaches_any_report(graded, tmp_path):
    repo = graded.repo("committed_env")
    env = (repo / ".env").read_text()
    key = env.split("=", 1)[1].split()[0]
    assert key.startswith("sk-") and len(key) > 30
    write_all(graded.grade("committed_env", "rails-rubyllm-v1"), tmp_path)
    for name in ("report.json", "report.md", "report.html"):
        text = (tmp_path / name).read_text()
        assert key not in text and key[:20] not in text, name
    assert "OPENROUTER_API_KEY=****" in (tmp_path / "report.html").read_text()


def test_self_check_catches_a_hand_edited_report_json(graded, tmp_path):
    from grader.report.model import GradeReport
    from grader.rubric import load_rubric
    from grader.scoring import check_scorecard

    write_all(graded.grade("no_compose", "rails-rubyllm-v1"), tmp_path)
    data = json.loads((tmp_path / "report.json").read_text())
    rubric = load_rubric(data["rubric"])
    assert check_scorecard(GradeReport.model_validate(data), rubric) == []
    deliverables = next(d for d in data["dimensions"] if d["id"] == "deliverables")
    deliverables["deductions"] = []  # someone hides the compose deduction...
    deliverables["score"] += 5  # ...and gives the points back
    data["total"] += 5
    problems = check_scorecard(GradeReport.model_validate(data), rubric)
    assert any("dimension deliverables: score" in p and "!= max" in p for p in problems), problems
