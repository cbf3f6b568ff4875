"""Markdown and HTML of a stored report. Until the report renderers are pure functions of the JSON,
the texts rendered at grade time are served; a missing one is re-rendered from the stored JSON."""

from __future__ import annotations

from grader.service.models import JobReport


def _model(row: JobReport):
    from grader.report.model import GradeReport

    return GradeReport.model_validate_json(row.report_json)


def markdown(row: JobReport) -> str:
    if row.report_md is not None:
        return row.report_md
    from grader.report.markdown import render_markdown

    return render_markdown(_model(row))


def html(row: JobReport) -> str:
    if row.report_html is not None:
        return row.report_html
    from grader.report.render import render_html

    return render_html(_model(row))
