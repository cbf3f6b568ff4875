"""Markdown and HTML of a stored report, rendered from the stored report JSON when the report
renderers are pure functions of it (`grader.report.render.render(report, fmt)`); with an older
pipeline the texts rendered at grade time are served instead."""

from __future__ import annotations

from grader.service.models import JobReport


def pure_renderer():
    """render(report, "md"|"html") when the report module has it, else None."""
    from grader.report import render as module

    return getattr(module, "render", None)


def _model(row: JobReport):
    from grader.report.model import GradeReport

    return GradeReport.model_validate_json(row.report_json)


def _text(row: JobReport, fmt: str, stored: str | None) -> str:
    render = pure_renderer()
    if render is not None:
        return render(_model(row), fmt)
    if stored is not None:
        return stored
    from grader.report.markdown import render_markdown
    from grader.report.render import render_html

    return render_markdown(_model(row)) if fmt == "md" else render_html(_model(row))


def markdown(row: JobReport) -> str:
    return _text(row, "md", row.report_md)


def html(row: JobReport) -> str:
    return _text(row, "html", row.report_html)
