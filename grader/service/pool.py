"""The embedded worker pool: threads in the server process that claim queued jobs from the database.
The same claim/lease/heartbeat rules as the Celery workers, so a restarted server re-queues what it
was running when it died."""

from __future__ import annotations

import logging
import threading

from grader.service import store
from grader.service.db import Database
from grader.service.runner import run_job

log = logging.getLogger("grader.service")


class WorkerPool:
    def __init__(self, db: Database, size: int):
        self.db = db
        self.size = size
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []

    def start(self) -> None:
        for i in range(self.size):
            t = threading.Thread(target=self._work, name=f"grader-worker-{i}", daemon=True)
            t.start()
            self.threads.append(t)
        reaper = threading.Thread(target=self._reap, name="grader-reaper", daemon=True)
        reaper.start()
        self.threads.append(reaper)

    def stop(self, timeout: float = 5.0) -> None:
        self.stopping.set()
        self.wake.set()
        for t in self.threads:
            t.join(timeout)

    def notify(self) -> None:
        self.wake.set()

    def _work(self) -> None:
        while not self.stopping.is_set():
            ran = False
            try:
                with self.db.session() as s:
                    candidates = store.next_queued(s)
                for job_id in candidates:
                    if self.stopping.is_set():
                        return
                    if run_job(self.db, job_id) is not None:
                        ran = True
                        break
            except Exception:  # noqa: BLE001 - keep the worker alive; the job's lease expires and it is retried
                log.exception("worker loop error")
            if not ran:
                self.wake.wait(1.0)
                self.wake.clear()

    def _reap(self) -> None:
        interval = max(0.5, min(self.db.settings.lease_seconds / 3, 10.0))
        while not self.stopping.wait(interval):
            try:
                with self.db.session() as s:
                    if store.reap_expired(s):
                        self.wake.set()
            except Exception:  # noqa: BLE001
                log.exception("reaper error")
