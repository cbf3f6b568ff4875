"""Request and response bodies of /api/v1 (they make the OpenAPI schema)."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

JobStatus = Literal["queued", "running", "done", "failed", "cancelled"]


def _rubric_names() -> list[str]:
    from grader.rubric import available_rubrics

    return available_rubrics()


# The schema lists the named rubrics (clients and property-based tests see the valid values);
# the server still checks the name itself and says which ones exist.
RUBRIC_SCHEMA = {"enum": _rubric_names()}


class JobOptions(BaseModel):
    model_config = ConfigDict(extra="forbid")

    runtime: bool = Field(True, description="Run the Docker runtime stage (build, boot, tests).")
    judge_models: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        default_factory=list, max_length=5,
        description="LLM judge models (litellm names, e.g. openai/gpt-4.1-mini); empty: no judge, its points stay "
                    "pending. Keys and the API base are the workers' settings.")
    samples: int = Field(3, ge=1, le=10, description="Judge samples per criterion (their median is the score).")
    max_cost: float | None = Field(None, ge=0, le=1000, description="Stop judge calls beyond this cost in USD.")


class GitJobRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # The pattern is shown in the schema; the server checks it itself to say what is wrong.
    source: str = Field(..., min_length=1, max_length=2000, description="git URL pinned at a commit: URL@<sha>",
                        json_schema_extra={"pattern": r"^(https?://|ssh://|git://|git@)\S+@\S+$"})
    rubric: str = Field(..., min_length=1, max_length=200, description="A named rubric, e.g. rails-rubyllm-v2",
                        json_schema_extra=RUBRIC_SCHEMA)
    options: JobOptions = Field(default_factory=JobOptions)


class JobResult(BaseModel):
    repo_name: str | None
    total: float | None
    max_total: float | None
    pending_points: float | None
    tier: str | None


class StageTiming(BaseModel):
    stage: str
    status: str
    seconds: float


class JobTimings(BaseModel):
    queued_seconds: float | None
    run_seconds: float | None
    stages: list[StageTiming] = Field(default_factory=list)


class JobOut(BaseModel):
    id: str
    status: JobStatus
    rubric: str
    source: str
    source_kind: Literal["upload", "git"]
    owner: str
    options: JobOptions
    stage: str | None
    step: str | None
    progress: float | None
    attempts: int
    max_attempts: int
    cancel_requested: bool
    error: str | None
    created_at: str
    started_at: str | None
    finished_at: str | None
    timings: JobTimings
    result: JobResult | None
    links: dict[str, str]


class JobList(BaseModel):
    jobs: list[JobOut]
    total: int
    limit: int
    offset: int
    next_offset: int | None


class HumanScoreIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    criterion: str = Field(..., min_length=1, max_length=200)
    score: float = Field(..., ge=0, le=1000)


class HumanScoresRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rater: str = Field(..., min_length=1, max_length=100, pattern=r"^[^\x00-\x1f,]+$",
                       description="Who scored (no commas or control characters: it goes into a CSV).")
    scores: list[HumanScoreIn] = Field(..., min_length=1, max_length=200)


class HumanScoreOut(BaseModel):
    job_id: str
    item: str
    rater: str
    criterion: str
    dimension: str
    score: float


class HumanScoresOut(BaseModel):
    job_id: str
    scores: list[HumanScoreOut]


class LeaderboardRow(BaseModel):
    rank: int | None
    name: str
    job_id: str
    total: float | None
    max_total: float | None
    pending_points: float | None
    tier: str | None
    error: str | None


class LeaderboardOut(BaseModel):
    rubric: str
    rubric_title: str
    max_total: float
    tie_gap: float
    rows: list[LeaderboardRow]


class ErrorDetail(BaseModel):
    status: int
    message: str


class ErrorOut(BaseModel):
    error: ErrorDetail
