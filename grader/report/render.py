"""Render a GradeReport as JSON, Markdown or HTML: pure functions of the report (no repo access,
no change to the report), and the writer that puts the three next to each other atomically."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from grader.report.markdown import render_markdown
from grader.report.model import GradeReport
from grader.report.summary import (
    INJECTION_WORDS, STATUS_WORDS, by_weight, deduction_label, dimension_reason, fmt, invented_findings,
    one_line_summary, other_findings, pending_bound, runtime_section, strongest, weakest,
)
from grader.report.words import GoalNamer, anchor, fact_notes, place_label, plain_decided_by, plain_facts, source_link

TEMPLATES = Path(__file__).with_name("templates")
FORMATS = ("json", "md", "html")


class RenderError(Exception):
    """A renderer failed: our bug, reported in one line; the other formats are still written."""


@lru_cache(maxsize=1)
def _env() -> Environment:
    # Autoescape everywhere: every string from the graded repo is hostile HTML.
    return Environment(loader=FileSystemLoader(str(TEMPLATES)),
                       autoescape=select_autoescape(["html", "j2"], default=True),
                       trim_blocks=True, lstrip_blocks=True)


def pct(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 3) if whole else 0.0


def render_html(r: GradeReport) -> str:
    stage = r.stage("static")
    empty = ("No call to a RubyLLM method or class that the locked gem version lacks."
             if stage is None or stage.status == "ok"
             else f"The static check did not complete ({stage.detail}): invented calls could not be checked.")
    namer = GoalNamer(r.goals, html=True)  # names each goal on its first mention in the page
    return _env().get_template("report.html.j2").render(
        r=r, fmt=fmt, pct=pct, by_weight=by_weight, reason=dimension_reason,
        plain_facts=lambda facts: plain_facts(r, facts), fact_notes=lambda facts: fact_notes(r, facts),
        decided_by=lambda ids: plain_decided_by(r, ids),
        goal_named=namer, goal_abbr=namer.abbr, anchor=anchor, source_link=lambda f, n: source_link(r, f, n),
        injection_words=INJECTION_WORDS, place_label=place_label,
        summary=one_line_summary(r), invented=invented_findings(r), invented_empty=empty,
        other_findings=other_findings(r)[:200], runtime=runtime_section(r),
        strong=strongest(r), weak=weakest(r), status_words=STATUS_WORDS, pending_bound=pending_bound,
        deduction_label=deduction_label,
        excerpt=r.excerpt, judge_section=_judge_html(r),
    )


def _judge_html(r: GradeReport) -> str:
    from grader.judge.render import html_section  # the judge's section lives with the judge (autoescaped)

    return html_section(r.judge, r.repo)


def render_json(r: GradeReport) -> str:
    return json.dumps(r.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def render(r: GradeReport, fmt_name: str) -> str:
    if fmt_name == "json":
        return render_json(r)
    if fmt_name == "md":
        return render_markdown(r)
    if fmt_name == "html":
        return render_html(r)
    raise ValueError(f"unknown report format {fmt_name!r} (json, md or html)")


def load_report(path: Path) -> GradeReport:
    """A stored report.json, validated against the report model."""
    return GradeReport.model_validate_json(Path(path).read_bytes())


def write_all(r: GradeReport, out_dir: Path) -> dict[str, Path]:
    """report.md, report.html and report.json, each via a temp file and a rename, so a reader sees
    a whole old or a whole new file. A renderer that fails does not stop the others; its error is
    raised after they are written (RenderError). A write error (disk full, read-only) is raised
    at once as OutputError and leaves the old files as they were."""
    from grader.report.output import ensure_dir, write_atomic

    ensure_dir(out_dir)
    written: dict[str, Path] = {}
    problems = []
    for name, fn in (("report.md", render_markdown), ("report.html", render_html), ("report.json", render_json)):
        try:
            text = fn(r)
        except Exception as exc:  # noqa: BLE001 - keep the other reports
            problems.append(f"{name} not written: {type(exc).__name__}: {exc}"[:300])
            continue
        written[name] = write_atomic(out_dir / name, text)
    if problems:
        raise RenderError("; ".join(problems))
    return written
