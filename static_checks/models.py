"""Typed facts that static analysis hands to the next stages.

Every stage after this one reads these models only; nothing reaches into the parser. `grader check`
itself builds the light records of static_checks/records.py (same fields) and never imports these.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

# The stage-neutral types live in the kernel; re-exported here for existing imports.
from grader.core.facts import Evidence as Evidence
from grader.core.facts import Fact as Fact

# The enums are the check's own (static_checks/records.py), so both kinds of finding share them.
from static_checks.records import SCHEMA_VERSION as SCHEMA_VERSION
from static_checks.records import Category as Category
from static_checks.records import Severity as Severity
from static_checks.records import VersionSource as VersionSource


class RelatedLocation(BaseModel):
    """Another finding this one follows from (the root of an invented value)."""

    rule: str
    file: str
    line: int
    column: int
    message: str


class Finding(BaseModel):
    rule: str
    category: Category
    severity: Severity
    file: str
    line: int
    column: int
    message: str
    # Why we believe it: for API rules, the proof from the manifest
    # (e.g. "RubyLLM::Chat in ruby_llm 1.6.2 has no method `user`").
    evidence: str
    hint: str | None = None
    snippet: str | None = None
    extra: dict[str, Any] = Field(default_factory=dict)
    related: list[RelatedLocation] = Field(default_factory=list)


class AppRoot(BaseModel):
    path: str  # relative to the checked path; "." for the top
    ruby_llm_version: str
    version_source: VersionSource
    version_detail: str | None = None  # e.g. the constraint text


class SkippedFile(BaseModel):
    file: str
    reason: str


class InlineSuppression(BaseModel):
    """A `# grader:disable RULE -- reason` comment, listed so every suppression can be audited."""

    file: str
    line: int  # the comment's line
    applies_to: int  # the line whose findings it covers (its own, or the next when it stands alone)
    rules: list[str]
    reason: str | None = None
    honoured: bool  # False when grading: a graded repo cannot hide its own findings
    matched: int = 0  # findings on that line it covers (removed only when honoured)
    problem: str | None = None  # an unknown rule id, no reason given, or nothing to cover


class SuppressedFinding(BaseModel):
    """A finding `grader check` did not report, and why (only when the checked repo's owner asked)."""

    finding: Finding
    by: str  # "inline", "disable", "exclude" or "baseline"
    detail: str | None = None  # the reason, the settings key or the baseline file


class CheckReport(BaseModel):
    schema_version: str = SCHEMA_VERSION
    tool_version: str
    roots: list[AppRoot]
    findings: list[Finding]
    files_analyzed: int = 0
    skipped: list[SkippedFile] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
    # What the time budgets cut short (rules not run, facts not collected): the results are partial.
    incomplete: list[str] = Field(default_factory=list)
    # Additive (static_checks/suppress.py): suppression comments found, and what `check` left out.
    suppressions: list[InlineSuppression] = Field(default_factory=list)
    suppressed: list[SuppressedFinding] = Field(default_factory=list)

    def has_errors(self) -> bool:
        return any(f.severity is Severity.error for f in self.findings)


def typed(report):
    """The public typed model of a report the check built in its light records (static_checks/records.py);
    a typed report as it is."""
    from static_checks import records

    if not isinstance(report, records.CheckReport):
        return report
    data = report.model_dump(exclude={"facts"})
    data["facts"] = report.facts  # already typed; validated as they are
    return CheckReport.model_validate(data)
