"""Write report.json, report.md and report.html; one renderer failing never loses the others."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from grader.report.excerpts import excerpt
from grader.report.markdown import render_markdown
from grader.report.model import GradeReport, StageResult
from grader.report.summary import (
    STATUS_WORDS, by_weight, deduction_label, dimension_reason, fact_values, fmt, invented_findings, one_line_summary,
    pending_bound, strongest, weakest,
)

TEMPLATES = Path(__file__).with_name("templates")


@lru_cache(maxsize=1)
def _env() -> Environment:
    # Autoescape everywhere: every string from the graded repo is hostile HTML.
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html", "j2"], default=True),
                       trim_blocks=True, lstrip_blocks=True)


def pct(part: float, whole: float) -> float:
    return round(100.0 * part / whole, 3) if whole else 0.0


def render_html(r: GradeReport, repo: Path | None = None) -> str:
    stage = r.stage("static")
    empty = ("No call to a RubyLLM method or class that the locked gem version lacks."
             if stage is None or stage.status == "ok"
             else f"The static check did not complete ({stage.detail}): invented calls could not be checked.")
    return _env().get_template("report.html.j2").render(
        r=r, fmt=fmt, pct=pct, by_weight=by_weight, reason=dimension_reason, fact_values=fact_values,
        summary=one_line_summary(r), invented=invented_findings(r), invented_empty=empty,
        other_findings=[f for f in r.findings if f.get("category") != "api-hallucination"][:200],
        strong=strongest(r), weak=weakest(r), status_words=STATUS_WORDS, pending_bound=pending_bound, deduction_label=deduction_label,
        excerpt=lambda f, line: excerpt(repo, f, line),
    )


def render_json(r: GradeReport) -> str:
    return json.dumps(r.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def write_all(r: GradeReport, out_dir: Path, repo: Path | None = None) -> dict[str, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for name, fn in (("report.md", lambda: render_markdown(r)), ("report.html", lambda: render_html(r, repo))):
        try:
            text = fn()
        except Exception as exc:  # noqa: BLE001 - keep the other reports, record the failure
            r.stages.append(StageResult(name=f"render {name}", status="failed", detail=f"{type(exc).__name__}: {exc}"[:300]))
            continue
        (out_dir / name).write_text(text, encoding="utf-8")
        written[name] = out_dir / name
    # JSON last, so it records any renderer failure above.
    (out_dir / "report.json").write_text(render_json(r), encoding="utf-8")
    written["report.json"] = out_dir / "report.json"
    return written
