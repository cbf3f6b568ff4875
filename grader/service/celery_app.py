"""Scale-out on Celery with a Redis broker. The database stays the source of truth: a task only says
"try job X"; the worker claims it with the same lease as the embedded pool, so a duplicate or
re-delivered message never runs a job twice, and a reaper in every worker re-queues (and re-sends)
jobs whose worker stopped heart-beating."""

from __future__ import annotations

import logging
import os
import socket
import threading

from celery import Celery

from grader.service import store
from grader.service.config import Settings
from grader.service.db import Database

log = logging.getLogger("grader.service")
TASK = "grader.grade_job"


def make_celery(settings: Settings) -> Celery:
    app = Celery("grader", broker=settings.broker_url or "redis://127.0.0.1:6379/0")
    app.conf.update(
        task_ignore_result=True,
        task_acks_late=False,  # the lease, not the broker, decides re-runs
        worker_prefetch_multiplier=1,
        broker_connection_retry_on_startup=True,
        broker_transport_options={"visibility_timeout": max(60, int(settings.redispatch_seconds))},
        worker_hijack_root_logger=False,
    )
    return app


_settings = Settings.from_env()
celery = make_celery(_settings)
_db: Database | None = None
_db_lock = threading.Lock()


def database() -> Database:
    global _db
    with _db_lock:
        if _db is None:
            _db = Database(Settings.from_env())
        return _db


@celery.task(name=TASK)
def grade_job(job_id: str) -> str | None:
    from grader.service.runner import run_job

    return run_job(database(), job_id)


def dispatch(db: Database, job_ids: list[str]) -> None:
    for job_id in job_ids:
        celery.send_task(TASK, args=[job_id])
    with db.session() as s:
        store.mark_dispatched(s, job_ids)


class Reaper(threading.Thread):
    def __init__(self, db: Database):
        super().__init__(name="grader-reaper", daemon=True)
        self.db = db
        self.stopping = threading.Event()

    def run(self) -> None:
        settings = self.db.settings
        interval = max(0.5, min(settings.lease_seconds / 3, 10.0))
        while not self.stopping.wait(interval):
            try:
                with self.db.session() as s:
                    requeued = store.reap_expired(s)
                    stale = store.undispatched(s, settings.redispatch_seconds)
                ids = list(dict.fromkeys(requeued + stale))
                if ids:
                    dispatch(self.db, ids)
            except Exception as exc:  # noqa: BLE001 - database or broker blip: try again next round
                log.warning("reaper round failed: %s", exc)

    def stop(self) -> None:
        self.stopping.set()


def run_worker(concurrency: int, loglevel: str = "INFO") -> None:
    """Start a Celery worker (threads pool: killing the process stops its jobs too) plus a reaper."""
    db = database()
    db.check()
    Reaper(db).start()
    name = f"grader-{socket.gethostname()}-{os.getpid()}@%h"
    celery.worker_main(["worker", "--pool=threads", f"--concurrency={concurrency}", f"--loglevel={loglevel}",
                        "-n", name, "--without-gossip", "--without-mingle", "--without-heartbeat"])
