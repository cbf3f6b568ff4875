"""The embedded worker pool: each worker is a child process fed by a thread of the server, so grading
(CPU-bound Python) never holds the server's interpreter lock and the API stays responsive. The same
claim/lease/heartbeat rules as the Celery workers: a killed child or a restarted server leaves a
lease that expires, and the job is re-queued."""

from __future__ import annotations

import logging
import multiprocessing
import threading

from grader.service import store
from grader.service.config import Settings
from grader.service.db import Database

log = logging.getLogger("grader.service")


def _child_main(settings: Settings, conn) -> None:
    import os

    from grader.service.runner import run_job

    try:  # grading is batch work: the API process keeps the CPU when both want it
        os.nice(int(os.environ.get("GRADER_WORKER_NICE", "10")))
    except (OSError, ValueError):
        pass

    db = Database(settings)
    while True:
        try:
            job_id = conn.recv()
        except (EOFError, OSError):
            return
        try:
            status = run_job(db, job_id)
        except Exception:  # noqa: BLE001 - the lease expires and the job is retried
            log.exception("job %s crashed its worker", job_id)
            status = None
        conn.send(status)


class _Child:
    def __init__(self, settings: Settings):
        ctx = multiprocessing.get_context("spawn")
        self.conn, child_conn = ctx.Pipe()
        self.proc = ctx.Process(target=_child_main, args=(settings, child_conn), daemon=True,
                                name="grader-job-worker")
        self.proc.start()
        child_conn.close()

    def run(self, job_id: str, stopping: threading.Event) -> str | None:
        """The job's final status; None when it was not ours, or the child died (then it is replaced)."""
        try:
            self.conn.send(job_id)
            while not self.conn.poll(0.5):
                if not self.proc.is_alive() or stopping.is_set():
                    raise ChildProcessError("worker process stopped")
            return self.conn.recv()
        except (EOFError, OSError) as exc:  # the child died: its pipe is closed
            raise ChildProcessError("worker process died") from exc

    def stop(self) -> None:
        if self.proc.is_alive():
            self.proc.terminate()
        self.proc.join(5)
        self.conn.close()


class WorkerPool:
    def __init__(self, db: Database, size: int):
        self.db = db
        self.size = size
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.threads: list[threading.Thread] = []
        self.children: list[_Child | None] = [None] * size

    def start(self) -> None:
        for i in range(self.size):
            t = threading.Thread(target=self._work, args=(i,), name=f"grader-worker-{i}", daemon=True)
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
        for child in self.children:
            if child is not None:
                child.stop()

    def notify(self) -> None:
        self.wake.set()

    def _child(self, i: int) -> _Child:
        if self.children[i] is None:
            self.children[i] = _Child(self.db.settings)
        return self.children[i]

    def _work(self, i: int) -> None:
        while not self.stopping.is_set():
            ran = False
            try:
                with self.db.session() as s:
                    candidates = store.next_queued(s)
                for job_id in candidates:
                    if self.stopping.is_set():
                        return
                    if self._child(i).run(job_id, self.stopping) is not None:
                        ran = True
                        break
            except ChildProcessError:
                child, self.children[i] = self.children[i], None
                if child is not None:
                    child.stop()
                ran = not self.stopping.is_set()
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
