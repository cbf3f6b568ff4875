"""Job state changes. Every transition is one conditional UPDATE, so two workers racing for the
same job cannot both win: a claim succeeds only on a queued row, a heartbeat or a result only
while the worker still holds the lease it was given."""

from __future__ import annotations

import json
import os
import socket
import threading
import time

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session

from grader.service.models import Job, JobAttempt


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"


def claim(session: Session, job_id: str, owner: str, lease_seconds: float) -> Job | None:
    """Take a queued job; None when someone else has it or it is no longer queued."""
    now = time.time()
    res = session.execute(
        update(Job)
        .where(Job.id == job_id, Job.status == "queued", Job.cancel_requested.is_(False))
        .values(status="running", lease_owner=owner, lease_expires_at=now + lease_seconds,
                attempts=Job.attempts + 1, started_at=now, stage="starting", step=None, progress=0.0, error=None)
    )
    if res.rowcount != 1:
        session.rollback()
        return None
    job = session.get(Job, job_id, populate_existing=True)
    session.add(JobAttempt(job_id=job_id, attempt=job.attempts, worker=owner, started_at=now))
    session.commit()
    return job


def next_queued(session: Session, limit: int = 5) -> list[str]:
    rows = session.execute(select(Job.id).where(Job.status == "queued", Job.cancel_requested.is_(False))
                           .order_by(Job.created_at).limit(limit))
    return [r[0] for r in rows]


def heartbeat(session: Session, job_id: str, owner: str, lease_seconds: float, *, stage: str | None = None,
              step: str | None = None, progress: float | None = None) -> tuple[bool, bool]:
    """Extend the lease. Returns (still ours, cancel requested)."""
    values: dict = {"lease_expires_at": time.time() + lease_seconds}
    if stage is not None:
        values.update(stage=stage[:100], step=(step or "")[:300] or None)
    if progress is not None:
        values["progress"] = max(0.0, min(1.0, progress))
    res = session.execute(update(Job).where(Job.id == job_id, Job.lease_owner == owner, Job.status == "running")
                          .values(**values))
    session.commit()
    if res.rowcount != 1:
        return False, False
    cancel = session.execute(select(Job.cancel_requested).where(Job.id == job_id)).scalar_one()
    return True, bool(cancel)


def finish(session: Session, job_id: str, owner: str, status: str, *, error: str | None = None,
           summary: dict | None = None, timings: list | None = None) -> bool:
    """Record the end of a run; False (and nothing written) when the lease was lost meanwhile."""
    now = time.time()
    values: dict = {"status": status, "finished_at": now, "lease_owner": None, "lease_expires_at": None,
                    "error": error, "stage": None if status == "done" else Job.stage, "step": None}
    if status == "done":
        values["progress"] = 1.0
    if summary:
        values.update(summary)
    if timings is not None:
        values["stage_timings_json"] = json.dumps(timings)
    res = session.execute(update(Job).where(Job.id == job_id, Job.lease_owner == owner, Job.status == "running")
                          .values(**values))
    ok = res.rowcount == 1
    _close_attempt(session, job_id, owner, status if ok else "lost", now)
    session.commit()
    return ok


def _close_attempt(session: Session, job_id: str, owner: str, outcome: str, now: float) -> None:
    session.execute(update(JobAttempt).where(JobAttempt.job_id == job_id, JobAttempt.worker == owner,
                                             JobAttempt.ended_at.is_(None)).values(ended_at=now, outcome=outcome))


def request_cancel(session: Session, job: Job) -> Job:
    """A queued job is cancelled at once; a running one is flagged and its worker stops it."""
    now = time.time()
    session.execute(update(Job).where(Job.id == job.id, Job.status == "queued")
                    .values(status="cancelled", cancel_requested=True, finished_at=now,
                            error="cancelled before it started"))
    session.execute(update(Job).where(Job.id == job.id, Job.status == "running").values(cancel_requested=True))
    session.commit()
    return session.get(Job, job.id, populate_existing=True)


def reap_expired(session: Session) -> list[str]:
    """Jobs whose worker stopped heart-beating: back to the queue (attempt count kept), or failed after
    the last attempt. Returns the ids put back in the queue, so the caller can dispatch them."""
    now = time.time()
    expired = session.execute(select(Job.id, Job.attempts, Job.max_attempts, Job.lease_owner, Job.cancel_requested)
                              .where(Job.status == "running", Job.lease_expires_at < now)).all()
    requeued = []
    for job_id, attempts, max_attempts, owner, cancel in expired:
        guard = and_(Job.id == job_id, Job.status == "running", Job.lease_owner == owner, Job.lease_expires_at < now)
        reason = f"worker {owner} stopped responding (attempt {attempts} of {max_attempts})"
        if cancel:
            values = dict(status="cancelled", error=f"cancelled; {reason}", finished_at=now)
        elif attempts >= max_attempts:
            values = dict(status="failed", error=f"{reason}; no attempts left", finished_at=now)
        else:
            values = dict(status="queued", error=None, dispatched_at=None, stage=None, step=None, progress=None)
        res = session.execute(update(Job).where(guard).values(lease_owner=None, lease_expires_at=None, **values))
        if res.rowcount == 1:
            _close_attempt(session, job_id, owner, "lost", now)
            if values["status"] == "queued":
                requeued.append(job_id)
    session.commit()
    return requeued


def undispatched(session: Session, older_than: float) -> list[str]:
    """Queued jobs whose broker message may be lost (never sent, or held by a killed worker)."""
    cutoff = time.time() - older_than
    rows = session.execute(select(Job.id).where(Job.status == "queued", Job.cancel_requested.is_(False),
                                                or_(Job.dispatched_at.is_(None), Job.dispatched_at < cutoff)))
    return [r[0] for r in rows]


def mark_dispatched(session: Session, job_ids: list[str]) -> None:
    if job_ids:
        session.execute(update(Job).where(Job.id.in_(job_ids)).values(dispatched_at=time.time()))
        session.commit()
