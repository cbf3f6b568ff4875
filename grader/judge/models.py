"""What the judge stage hands on (report.json `judge`). The field names are a contract with
calibration and the service: add fields, never rename them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

VerdictStatus = Literal["scored", "unverified", "unstable", "failed", "skipped"]
JudgeStatus = Literal["ok", "partial", "failed", "skipped"]


class EvidenceCitation(BaseModel):
    """A place the judge cites; `verified` is set by us, never by the model."""

    file: str
    start_line: int
    end_line: int
    quote: str
    verified: bool = False
    problem: str | None = None  # why verification failed, when it did


class Verdict(BaseModel):
    criterion: str  # rubric judge_criteria id, or "dimension:<id>" for a holistic dimension score
    dimension: str
    model: str
    status: VerdictStatus
    score: float | None = None  # median of the samples; None unless scored/unstable
    max: float
    samples: list[float] = Field(default_factory=list)
    spread: float | None = None
    evidence: list[EvidenceCitation] = Field(default_factory=list)
    rationale: str = ""
    contradicts_facts: list[str] = Field(default_factory=list)
    reason: str | None = None  # why failed / unverified / skipped
    raw_score: float | None = None  # before a calibration profile, when one was applied
    calibrated_score: float | None = None
    counted: bool = True  # False for holistic dimension scores: reported for calibration, never scored
    prompt_version: str | None = None
    temperature: float | None = None  # sampling temperature the samples were asked at (None: not asked)
    calls: int = 0  # provider requests made for this verdict (retries and re-asks included)
    cached_calls: int = 0  # samples answered from the cache
    tokens_in: int = 0
    tokens_out: int = 0
    cost_usd: float = 0.0
    exemplars: list[str] = Field(default_factory=list)  # calibration set items shown as reference examples


class FileCount(BaseModel):
    file: str
    count: int


class ContextSent(BaseModel):
    criterion: str
    tokens_estimate: int
    sent: list[dict] = Field(default_factory=list)  # {file, lines, how: full|skeleton}
    cut: list[str] = Field(default_factory=list)



class NotAsked(BaseModel):
    """A judge criterion decided without a model: its applies_when is false. `decided` says how, as
    the rubric says: not_built (its subject does not exist: 0) or not_applicable (its points stand)."""

    criterion: str
    dimension: str
    decided: Literal["not_built", "not_applicable"]
    because: str  # the applies_when conditions that failed, in the rubric's terms


class JudgeReport(BaseModel):
    status: JudgeStatus
    reason: str | None = None
    models: list[str] = Field(default_factory=list)
    prompt_version: str | None = None  # template hash
    temperature: float | None = None  # --judge-temperature of the run (None: the judge did not run)
    samples: int = 0
    cost_usd: float = 0.0
    tokens_in: int = 0
    tokens_out: int = 0
    calls: int = 0
    cached_calls: int = 0
    verdicts: list[Verdict] = Field(default_factory=list)
    token_budget: int | None = None  # prompt tokens allowed per criterion
    context: list[ContextSent] = Field(default_factory=list)  # what each criterion's prompt carried
    redactions: list[FileCount] = Field(default_factory=list)  # secrets redacted before sending
    identity_masked: list[FileCount] = Field(default_factory=list)  # generator names masked in prose
    warnings: list[str] = Field(default_factory=list)  # same-family judge, unknown price, budget reached
    not_asked: list[NotAsked] = Field(default_factory=list)  # criteria whose applies_when is false
    seconds: float | None = None

