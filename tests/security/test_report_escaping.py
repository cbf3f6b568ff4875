"""Hostile names and text from a graded repo stay inert in every output format (issue 11, item 9).

The hostile inputs are built here: a repo folder and a Ruby file whose names carry HTML, backticks,
link syntax and terminal escape sequences, a SELF_REVIEW.md with markup, and leaderboard rows with
spreadsheet formulas. Markdown is checked by rendering it with a CommonMark renderer that, like
common viewers, passes raw HTML through: no tag or link from the repo may come out.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import re
import shutil
import sys
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from typer.testing import CliRunner

from grader.cli import app
from grader.pipeline import GradeOptions, grade_path
from grader.report.escape import csv_cell, md_code, md_text, terminal_text
from grader.report.leaderboard import Leaderboard, LeaderRow, to_csv, to_html, to_markdown
from grader.report.markdown import render_markdown
from grader.report.render import render_html

APPS = Path(__file__).resolve().parents[1] / "fixtures" / "apps"
IMG = "<img src=x onerror=alert(1)>"
HOSTILE_NAME = f"`{IMG}`[click](javascript:alert(2))\x1b]0;owned\x07\x1b[2J"


def _fixture_apps():
    spec = importlib.util.spec_from_file_location("fixture_apps_security", APPS / "fixture_apps.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("fixture_apps_security", mod)
    spec.loader.exec_module(mod)
    return mod


def _md_html(markdown: str) -> str:
    """Markdown as a permissive viewer shows it (raw HTML allowed, GFM tables)."""
    return MarkdownIt("commonmark", {"html": True}).enable("table").render(markdown)


def _no_active_markup(html: str) -> None:
    assert not re.search(r"<(img|script|iframe|b|svg)\b", html, re.I), html[:2000]
    assert 'href="javascript' not in html


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    """A real grade of good_app copied into a hostile folder name, with an invented RubyLLM call in
    a file whose name is hostile and a SELF_REVIEW.md full of markup."""
    base = tmp_path_factory.mktemp("hostile")
    good = _fixture_apps().materialize("good_app", base / "src")
    repo = base / HOSTILE_NAME.replace("/", "_")
    shutil.copytree(good, repo)
    evil = repo / "app" / "models" / f"a`{IMG}`[x](javascript:alert(3)).rb"
    evil.parent.mkdir(parents=True, exist_ok=True)
    evil.write_text("class Evil\n  def go\n    RubyLLM::Client.new(api_key: 'x')\n  end\nend\n")
    (repo / "SELF_REVIEW.md").write_text(
        "| Goal | Verdict | Evidence |\n|---|---|---|\n"
        f"| G1 <script>alert(1)</script> | PASS | {IMG} see `app/x.rb:1` [a](javascript:alert(4)) |\n"
        "| G2 | <iframe src=//evil> | `cites` `<b>x</b>.rb:9` |\n")
    return grade_path(repo, "rails-rubyllm-v2", GradeOptions(runtime=False, judge=False)), repo


def test_markdown_report_carries_no_markup_from_the_repo(hostile_report):
    report, _repo = hostile_report
    assert any(IMG in f.file for f in report.findings), "the hostile file should carry a finding"
    md = render_markdown(report)
    assert "\x1b" not in md and "\x07" not in md
    html = _md_html(md)
    _no_active_markup(html)
    # The hostile text is still shown, as text: the reader sees what the repo contained.
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_code_spans_cannot_be_closed_by_backticks_in_names():
    for text in ("a`b", "``x``", f"`{IMG}`", "`", "x|y"):
        span = md_code(text, in_table=True)
        html = _md_html(f"| c |\n|---|\n| {span} |\n")
        assert "<img" not in html
        assert html.count("<code>") == 1 and html.count("</code>") == 1, (text, html)


def test_markdown_text_escapes_links_images_and_tags():
    for text in (f"[x](javascript:alert(1)) ![i](http://evil/x.png) {IMG} <b>bold</b> &lt;b&gt;",
                 "<https://evil.example/>", "x | y"):
        html = _md_html(f"{md_text(text)}\n")
        assert "<a " not in html and "<img" not in html and "<b>" not in html, html


def test_html_report_escapes_the_same_names(hostile_report):
    report, _repo = hostile_report
    html = render_html(report)
    assert IMG not in html and "<script>alert" not in html and "<iframe" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert 'href="javascript' not in html


def test_leaderboard_markdown_html_and_csv_neutralise_hostile_rows():
    rows = [
        LeaderRow(name=f"=HYPERLINK(\"http://evil\",\"{IMG}\")", source="+cmd|' /C calc'!A0", total=50, max_total=100,
                  pending_points=1, tier="B", report_dir="evil", check_ok=True, stage_problems=["@SUM(1+1)"]),
        LeaderRow(name="-2+3", source="\tTAB", error=f"IngestError: `{IMG}`\r\n=1+1"),
        LeaderRow(name="plain", source="/runs/plain", total=60, max_total=100, pending_points=0, tier="A",
                  report_dir="plain", check_ok=True),
    ]
    board = Leaderboard(rubric="r", rubric_title=f"T {IMG}", max_total=100, rows=rows)
    board.sort()
    cells = [c for row in csv.reader(io.StringIO(to_csv(board))) for c in row]
    for cell in cells:
        assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r"), cell
        assert "\r" not in cell and "\n" not in cell
    assert "'=HYPERLINK(" in to_csv(board) and "'-2+3" in to_csv(board)
    assert "60.0" in cells  # numbers stay numbers
    _no_active_markup(_md_html(to_markdown(board)))
    html = to_html(board)
    assert IMG not in html and "&lt;img" in html


def test_csv_cell_rules():
    assert csv_cell("=1+1") == "'=1+1" and csv_cell("  @x") == "'  @x" and csv_cell("a\tb") == "a b"
    assert csv_cell("\r=x") == "' =x" and csv_cell(-3) == -3 and csv_cell("safe") == "safe"


def test_terminal_text_strips_escape_sequences_and_controls():
    out = terminal_text("name\x1b[31mred\x1b]0;title\x07\x9b2J\u202eevil\nnext")
    assert not re.search("[\x00-\x1f\x7f-\x9f\u202a-\u202e]", out)
    assert out.startswith("name") and "next" in out


def test_grade_prints_no_escape_sequence_from_a_repo_name(hostile_report, tmp_path):
    _report, repo = hostile_report
    res = CliRunner().invoke(app, ["grade", str(repo), "--rubric", "rails-rubyllm-v1", "--no-runtime", "--no-judge",
                                   "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    assert "\x1b" not in res.output and "\x07" not in res.output
    assert "[click](javascript:alert(2))" in res.stdout  # shown, as plain text
