"""report.json: the scorecard plus what it was decided on (facts, findings, runtime, stages).

Minimal contract (issue 3): schema_version, rubric, total, max_total, pending_points, tier,
dimensions[{id, max, score, pending_points, deductions[{id, points, evidence[{file, line}]}]}],
facts, findings; plus runtime (issue 4). Everything else is additive.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from grader.scoring.models import Scorecard

REPORT_SCHEMA_VERSION = "1.0"

StageStatus = Literal["ok", "partial", "failed", "skipped"]


class StageResult(BaseModel):
    name: str
    status: StageStatus
    seconds: float = 0.0
    detail: str | None = None  # why skipped / the error, one line


class RepoInfo(BaseModel):
    source: str
    name: str
    kind: str = "folder"
    commit: str | None = None


class ClaimRow(BaseModel):
    line: int
    goal_cell: str
    goal: str | None
    verdict: str | None
    status: str  # contradicted | supported | unverifiable | not_a_claim
    evidence: str
    decided_by: list[str] = Field(default_factory=list)  # fact ids


class SelfReviewSummary(BaseModel):
    file: str | None
    rows: int = 0
    malformed: list[dict[str, Any]] = Field(default_factory=list)
    invented_numbering: bool = False
    invented_reasons: list[str] = Field(default_factory=list)
    claims: list[ClaimRow] = Field(default_factory=list)
    fabricated_citations: list[dict[str, Any]] = Field(default_factory=list)
    known_defects: list[dict[str, Any]] = Field(default_factory=list)  # {line, text}: admitted outside the table


class ArithmeticCheck(BaseModel):
    ok: bool
    problems: list[str] = Field(default_factory=list)


class GradeReport(Scorecard):
    schema_version: str = REPORT_SCHEMA_VERSION
    grader_version: str = ""
    rubric_title: str = ""
    generated_at: str = ""
    repo: RepoInfo
    tier_note: str = ""
    facts: list[dict[str, Any]] = Field(default_factory=list)
    findings: list[dict[str, Any]] = Field(default_factory=list)
    static: dict[str, Any] = Field(default_factory=dict)  # roots, files analysed, skipped files
    runtime: dict[str, Any] = Field(default_factory=dict)
    self_review: SelfReviewSummary | None = None
    stages: list[StageResult] = Field(default_factory=list)
    arithmetic_check: ArithmeticCheck = Field(default_factory=lambda: ArithmeticCheck(ok=True))

    def stage(self, name: str) -> StageResult | None:
        return next((s for s in self.stages if s.name == name), None)
