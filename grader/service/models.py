"""Database tables of the service (SQLAlchemy 2). Times are epoch seconds (float): the same on
SQLite and PostgreSQL, no time-zone conversions. Schema changes go through an Alembic migration."""

from __future__ import annotations

from sqlalchemy import Boolean, Float, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

JOB_STATUSES = ("queued", "running", "done", "failed", "cancelled")
ACTIVE_STATUSES = ("queued", "running")


class Base(DeclarativeBase):
    pass


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # sha256 hex: the token itself is never stored
    created_at: Mapped[float] = mapped_column(Float)
    revoked_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    max_active: Mapped[int | None] = mapped_column(Integer, nullable=True)  # None: the server default


class Job(Base):
    __tablename__ = "jobs"
    __table_args__ = (UniqueConstraint("owner", "idempotency_key", name="uq_jobs_owner_idempotency_key"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(String(120), index=True)  # "token:<name>" or "anonymous"
    idempotency_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    request_hash: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), index=True)
    source_kind: Mapped[str] = mapped_column(String(16))  # upload | git
    source: Mapped[str] = mapped_column(String(2000))
    rubric: Mapped[str] = mapped_column(String(200), index=True)
    options_json: Mapped[str] = mapped_column(Text)
    stage: Mapped[str | None] = mapped_column(String(100), nullable=True)
    step: Mapped[str | None] = mapped_column(String(300), nullable=True)
    progress: Mapped[float | None] = mapped_column(Float, nullable=True)  # 0..1 over the whole job
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer)
    lease_owner: Mapped[str | None] = mapped_column(String(200), nullable=True)
    lease_expires_at: Mapped[float | None] = mapped_column(Float, nullable=True, index=True)
    cancel_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    created_at: Mapped[float] = mapped_column(Float, index=True)
    dispatched_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    started_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    finished_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    stage_timings_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    # Copied out of the report so lists and the leaderboard need not parse report JSON.
    repo_name: Mapped[str | None] = mapped_column(String(300), nullable=True)
    total: Mapped[float | None] = mapped_column(Float, nullable=True)
    max_total: Mapped[float | None] = mapped_column(Float, nullable=True)
    pending_points: Mapped[float | None] = mapped_column(Float, nullable=True)
    tier: Mapped[str | None] = mapped_column(String(20), nullable=True)


class JobUpload(Base):
    """The uploaded archive, in the database so any worker host can grade it."""

    __tablename__ = "job_uploads"

    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    filename: Mapped[str] = mapped_column(String(300))
    data: Mapped[bytes] = mapped_column(LargeBinary)


class JobReport(Base):
    __tablename__ = "job_reports"

    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True)
    report_json: Mapped[str] = mapped_column(Text)
    report_md: Mapped[str | None] = mapped_column(Text, nullable=True)
    report_html: Mapped[str | None] = mapped_column(Text, nullable=True)


class JobAttempt(Base):
    """One claim of a job by one worker: the audit trail that shows nothing ran twice at once."""

    __tablename__ = "job_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    attempt: Mapped[int] = mapped_column(Integer)
    worker: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[float] = mapped_column(Float)
    ended_at: Mapped[float | None] = mapped_column(Float, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(30), nullable=True)  # done|failed|cancelled|lost


class HumanScore(Base):
    __tablename__ = "human_scores"
    __table_args__ = (UniqueConstraint("job_id", "rater", "criterion", name="uq_human_scores_job_rater_criterion"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[str] = mapped_column(ForeignKey("jobs.id", ondelete="CASCADE"), index=True)
    rubric: Mapped[str] = mapped_column(String(200), index=True)
    item: Mapped[str] = mapped_column(String(300))
    rater: Mapped[str] = mapped_column(String(100))
    criterion: Mapped[str] = mapped_column(String(200))
    dimension: Mapped[str] = mapped_column(String(200))
    score: Mapped[float] = mapped_column(Float)
    created_at: Mapped[float] = mapped_column(Float)
