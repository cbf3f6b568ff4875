"""report.json: the scorecard plus everything it was decided on, typed.

The report holds all that the renderers need (code excerpts included, captured at grade time), so
JSON, Markdown, HTML and the one-line summary are pure functions of it and a stored report.json
re-renders without the repository.

Minimal contract (issue 3): schema_version, rubric, total, max_total, pending_points, tier,
dimensions[{id, max, score, pending_points, deductions[{id, points, evidence[{file, line}]}]}],
facts, findings; plus runtime (issue 4). Fields are added, never renamed.

1.1: typed facts/findings/static/runtime/self-review, `judge`, `excerpts`; stage status
`not_applicable`. The JSON of the 1.0 fields is unchanged.

1.2 (additive): per dimension `passed` (rules checked and not charged, with the facts that kept the
points); per deduction `fix`; `goals` (goal id -> title), `fact_labels`/`fact_names` (plain words for
the facts the report cites), `inconsistencies` (cross-fact checks that failed) and `prompt_injection`
(text in the repo aimed at an AI grader, shown whether or not the judge ran).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field
from static_checks.models import AppRoot, Fact, Finding, InlineSuppression, SkippedFile

from grader.judge.models import JudgeReport
from grader.runtime.models import RuntimeReport
from grader.scoring.models import Scorecard

REPORT_SCHEMA_VERSION = "1.2"

StageStatus = Literal["ok", "partial", "failed", "skipped", "not_applicable"]


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


class StaticSummary(BaseModel):
    """What the static pass looked at: app roots (with the ruby_llm version each was checked
    against), how many files it analysed and which it skipped and why."""

    roots: list[AppRoot] = Field(default_factory=list)
    files_analyzed: int = 0
    skipped: list[SkippedFile] = Field(default_factory=list)
    # `# grader:disable` comments of the graded repo: shown for audit, never honoured when grading
    suppressions: list[InlineSuppression] = Field(default_factory=list)


class RuntimeNotRun(BaseModel):
    """The runtime stage did not produce a report (switched off, or it crashed)."""

    model_config = {"extra": "forbid"}  # so a full RuntimeReport is never read back as this

    status: Literal["skipped"] = "skipped"
    skipped_reason: str | None = None


class ClaimRow(BaseModel):
    line: int
    goal_cell: str
    goal: str | None
    verdict: str | None
    status: str  # contradicted | supported | unverifiable | not_a_claim
    evidence: str
    decided_by: list[str] = Field(default_factory=list)  # fact ids


class MalformedRow(BaseModel):
    line: int
    problem: str
    raw: str


class FabricatedCitation(BaseModel):
    line: int
    cited: str


class KnownDefect(BaseModel):
    line: int
    text: str


class SelfReviewSummary(BaseModel):
    file: str | None
    rows: int = 0
    malformed: list[MalformedRow] = Field(default_factory=list)
    invented_numbering: bool = False
    invented_reasons: list[str] = Field(default_factory=list)
    claims: list[ClaimRow] = Field(default_factory=list)
    fabricated_citations: list[FabricatedCitation] = Field(default_factory=list)
    known_defects: list[KnownDefect] = Field(default_factory=list)  # admitted outside the table


class ArithmeticCheck(BaseModel):
    ok: bool
    problems: list[str] = Field(default_factory=list)


class ExcerptLine(BaseModel):
    number: int
    text: str


class CodeExcerpt(BaseModel):
    """Lines around file:line of the graded repo, read (and redacted) while it was on disk."""

    file: str
    line: int
    lines: list[ExcerptLine] = Field(default_factory=list)


class InjectionNote(BaseModel):
    """A place in the repo whose text addresses an AI grader (facts `injection.*` or their finding)."""

    file: str
    line: int
    kind: str  # instructions | hidden_comment
    text: str = ""  # the line, redacted and cut


class GradeReport(Scorecard):
    schema_version: str = REPORT_SCHEMA_VERSION
    grader_version: str = ""
    rubric_title: str = ""
    generated_at: str = ""
    repo: RepoInfo
    tier_note: str = ""
    facts: list[Fact] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)
    static: StaticSummary | None = None  # None: the static pass did not complete
    # left_to_right: a stored "not run" record must come back as one, not as a default RuntimeReport.
    runtime: Annotated[RuntimeNotRun | RuntimeReport, Field(union_mode="left_to_right")] = Field(
        default_factory=RuntimeNotRun)
    self_review: SelfReviewSummary | None = None
    stages: list[StageResult] = Field(default_factory=list)
    arithmetic_check: ArithmeticCheck = Field(default_factory=lambda: ArithmeticCheck(ok=True))
    judge: JudgeReport | None = None
    excerpts: list[CodeExcerpt] = Field(default_factory=list)
    # 1.2: words for readers, decided at grade time so re-rendering needs nothing but this file.
    goals: dict[str, str] = Field(default_factory=dict)
    fact_labels: dict[str, str] = Field(default_factory=dict)
    fact_names: dict[str, str] = Field(default_factory=dict)  # count fact -> the list fact naming its items
    inconsistencies: list[str] | None = None  # None: the check could not run (no static facts)
    prompt_injection: list[InjectionNote] = Field(default_factory=list)

    def stage(self, name: str) -> StageResult | None:
        return next((s for s in self.stages if s.name == name), None)

    def fact(self, fact_id: str):
        return next((f for f in self.facts if f.id == fact_id), None)

    def excerpt(self, file: str, line: int) -> CodeExcerpt | None:
        return next((e for e in self.excerpts if e.file == file and e.line == line), None)

    def runtime_reached_engine(self) -> bool:
        """Whether the runtime stage got as far as the Docker engine (so its steps have something to show):
        not when it was switched off, crashed, or found no engine."""
        return isinstance(self.runtime, RuntimeReport) and (
            self.runtime.status.value != "skipped" or bool(self.runtime.engine))
