"""Renderings of a CheckReport: text for people, JSON for programs, SARIF for code scanning."""

from __future__ import annotations

from static_checks.records import CheckReport

FORMATS = ("text", "json", "sarif")


def render(report: CheckReport, fmt: str, *, colour: bool = False, quiet: bool = False) -> str:
    """`colour` and `quiet` shape the text format only; json and sarif are for programs."""
    if fmt == "json":
        return report.model_dump_json(indent=2, exclude={"facts"} if not report.facts else None) + "\n"
    if fmt == "sarif":
        from static_checks.output.sarif import to_sarif_json

        return to_sarif_json(report)
    if fmt == "text":
        from static_checks.output.text import to_text

        return to_text(report, colour=colour, quiet=quiet)
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
