"""Submitting, reading and listing jobs: shared by the JSON API and the web forms."""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from grader.service.auth import Principal
from grader.service.errors import ApiError
from grader.service.models import ACTIVE_STATUSES, Job, JobUpload
from grader.service.schemas import JobOptions, JobOut, JobResult, JobTimings, StageTiming

API = "/api/v1"
GIT_SCHEMES = ("https://", "http://", "ssh://", "git://", "git@")


def iso(t: float | None) -> str | None:
    return None if t is None else datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def known_rubrics() -> list[str]:
    from grader.rubric import available_rubrics

    return available_rubrics()


def check_rubric(name: str) -> None:
    names = known_rubrics()
    if name not in names:
        raise ApiError(422, f"unknown rubric {name!r}: use one of {', '.join(names)}")


def check_git_source(source: str) -> None:
    from grader.ingest import split_git_ref

    if not source.startswith(GIT_SCHEMES) or any(c in source for c in "\x00\n\r \t"):
        raise ApiError(422, "source must be a git URL (https://, ssh://, git:// or git@host:) pinned at a commit, "
                            "e.g. https://host/owner/app.git@<sha>; to grade a folder, upload it as a .tar.gz or .zip")
    url, ref = split_git_ref(source)
    if not ref:
        raise ApiError(422, f"pin the commit to grade: {source}@<commit sha>")


def check_archive_name(filename: str) -> str:
    from grader.ingest import ARCHIVE_SUFFIXES

    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name or not name.lower().endswith(ARCHIVE_SUFFIXES) or len(name) > 200:
        raise ApiError(422, f"the archive must be a file named *{', *'.join(ARCHIVE_SUFFIXES)} (got {filename!r})")
    return name


def request_hash(kind: str, source: str, rubric: str, options: JobOptions, data: bytes | None) -> str:
    h = hashlib.sha256()
    for part in (kind, source, rubric, options.model_dump_json()):
        h.update(part.encode("utf-8", "surrogatepass") + b"\0")
    if data is not None:
        h.update(hashlib.sha256(data).digest())
    return h.hexdigest()


def submit(session: Session, principal: Principal, settings, *, kind: str, source: str, rubric: str,
           options: JobOptions, data: bytes | None = None, idempotency_key: str | None = None) -> tuple[Job, bool]:
    """Create a queued job. Returns (job, created); a repeated Idempotency-Key returns the first job."""
    if idempotency_key is not None:
        key = idempotency_key.strip()
        if not key or len(key) > 200:
            raise ApiError(422, "the Idempotency-Key header must be 1 to 200 characters")
        idempotency_key = key
    digest = request_hash(kind, source, rubric, options, data)
    if idempotency_key:
        existing = _by_key(session, principal.owner, idempotency_key)
        if existing is not None:
            return _same_request(existing, digest), False
    active = session.execute(select(func.count()).select_from(Job).where(
        Job.owner == principal.owner, Job.status.in_(ACTIVE_STATUSES))).scalar_one()
    if active >= principal.max_active:
        raise ApiError(429, f"quota reached: {active} jobs queued or running for {principal.owner} "
                            f"(limit {principal.max_active}); wait for some to finish or cancel them")
    job = Job(id=uuid.uuid4().hex, owner=principal.owner, idempotency_key=idempotency_key, request_hash=digest,
              status="queued", source_kind=kind, source=source, rubric=rubric, options_json=options.model_dump_json(),
              attempts=0, max_attempts=settings.max_attempts, cancel_requested=False, created_at=time.time())
    session.add(job)
    if data is not None:
        session.add(JobUpload(job_id=job.id, filename=source, data=data))
    try:
        session.commit()
    except IntegrityError:  # the same key raced in from a parallel retry
        session.rollback()
        existing = _by_key(session, principal.owner, idempotency_key) if idempotency_key else None
        if existing is None:
            raise
        return _same_request(existing, digest), False
    return job, True


def _by_key(session: Session, owner: str, key: str) -> Job | None:
    return session.execute(select(Job).where(Job.owner == owner, Job.idempotency_key == key)).scalar_one_or_none()


def _same_request(job: Job, digest: str) -> Job:
    if job.request_hash != digest:
        raise ApiError(422, "this Idempotency-Key was used for a different request: use a new key for a new job")
    return job


def get_job(session: Session, job_id: str) -> Job:
    job = session.get(Job, job_id) if len(job_id) <= 64 else None
    if job is None:
        raise ApiError(404, f"no job {job_id!r}: list jobs with GET {API}/jobs")
    return job


def job_out(job: Job) -> JobOut:
    stages = [StageTiming(**t) for t in json.loads(job.stage_timings_json or "[]")]
    queued = (job.started_at - job.created_at) if job.started_at else None
    run = (job.finished_at - job.started_at) if job.finished_at and job.started_at else None
    result = None
    if job.status == "done" or job.total is not None:
        result = JobResult(repo_name=job.repo_name, total=job.total, max_total=job.max_total,
                           pending_points=job.pending_points, tier=job.tier)
    base = f"{API}/jobs/{job.id}"
    links = {"self": base, "cancel": f"{base}/cancel", "human_scores": f"{base}/human-scores",
             "page": f"/jobs/{job.id}"}
    if job.status == "done":
        links.update(report=f"{base}/report", report_md=f"{base}/report.md", report_html=f"{base}/report.html")
    return JobOut(
        id=job.id, status=job.status, rubric=job.rubric, source=job.source, source_kind=job.source_kind,
        owner=job.owner, options=JobOptions.model_validate_json(job.options_json), stage=job.stage, step=job.step,
        progress=job.progress, attempts=job.attempts, max_attempts=job.max_attempts,
        cancel_requested=bool(job.cancel_requested), error=job.error, created_at=iso(job.created_at),
        started_at=iso(job.started_at), finished_at=iso(job.finished_at),
        timings=JobTimings(queued_seconds=_round(queued), run_seconds=_round(run), stages=stages),
        result=result, links=links)


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 3)


def list_jobs(session: Session, *, status: str | None, rubric: str | None, repo: str | None, owner: str | None,
              limit: int, offset: int) -> tuple[list[Job], int]:
    q = select(Job)
    if status:
        q = q.where(Job.status == status)
    if rubric:
        q = q.where(Job.rubric == rubric)
    if repo:
        q = q.where(Job.repo_name == repo)
    if owner:
        q = q.where(Job.owner == owner)
    total = session.execute(select(func.count()).select_from(q.subquery())).scalar_one()
    rows = session.execute(q.order_by(Job.created_at.desc(), Job.id).limit(limit).offset(offset)).scalars().all()
    return list(rows), total
