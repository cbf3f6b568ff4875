"""Claims, leases and the reaper: a job is never run by two workers at once, a dead worker's job
goes back to the queue with its attempt count, and fails after the last attempt."""

from __future__ import annotations

import threading
import time

from grader.service import store
from grader.service.auth import Principal
from grader.service.db import Database
from grader.service.jobs import submit
from grader.service.models import Job, JobAttempt
from grader.service.schemas import JobOptions


def _job(db: Database, settings) -> str:
    with db.session() as s:
        job, _ = submit(s, Principal("anonymous", 100), settings, kind="git", source="https://x/a.git@abc",
                        rubric="rails-rubyllm-v2", options=JobOptions(runtime=False))
        return job.id


def test_only_one_of_many_racing_workers_claims_a_job(settings):
    db = Database(settings)
    job_id = _job(db, settings)
    wins = []
    barrier = threading.Barrier(8)

    def race(i):
        barrier.wait()
        with db.session() as s:
            if store.claim(s, job_id, f"w{i}", 30) is not None:
                wins.append(i)

    threads = [threading.Thread(target=race, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(wins) == 1
    with db.session() as s:
        assert s.get(Job, job_id).attempts == 1
    db.dispose()


def test_dead_worker_job_is_requeued_then_failed_after_the_last_attempt(settings):
    settings.max_attempts = 2
    db = Database(settings)
    job_id = _job(db, settings)
    for attempt in (1, 2):
        with db.session() as s:
            assert store.claim(s, job_id, f"dead-{attempt}", lease_seconds=0.05) is not None
        time.sleep(0.1)
        with db.session() as s:
            requeued = store.reap_expired(s)
            job = s.get(Job, job_id)
        if attempt == 1:
            assert requeued == [job_id] and job.status == "queued" and job.attempts == 1
        else:
            assert requeued == [] and job.status == "failed" and job.attempts == 2
            assert "stopped responding" in job.error and "no attempts left" in job.error
    with db.session() as s:
        outcomes = [a.outcome for a in s.query(JobAttempt).filter_by(job_id=job_id).order_by(JobAttempt.attempt)]
    assert outcomes == ["lost", "lost"]
    db.dispose()


def test_a_worker_that_lost_its_lease_cannot_write_a_result(settings):
    db = Database(settings)
    job_id = _job(db, settings)
    with db.session() as s:
        store.claim(s, job_id, "slow", lease_seconds=0.05)
    time.sleep(0.1)
    with db.session() as s:
        store.reap_expired(s)
        assert store.claim(s, job_id, "fresh", lease_seconds=30) is not None
        assert store.heartbeat(s, job_id, "slow", 30) == (False, False)
        assert store.finish(s, job_id, "slow", "done") is False
        assert s.get(Job, job_id, populate_existing=True).lease_owner == "fresh"
        assert store.finish(s, job_id, "fresh", "done") is True
    db.dispose()


def test_restarted_server_requeues_what_it_was_running(client_factory, settings, good_app_tgz):
    """A job left `running` by a killed server (lease expired) is finished by the next server."""
    db = Database(settings)
    with db.session() as s:
        job, _ = submit(s, Principal("anonymous", 100), settings, kind="upload", source="good_app.tar.gz",
                        rubric="rails-rubyllm-v2", options=JobOptions(runtime=False), data=good_app_tgz)
        store.claim(s, job.id, "killed-server", lease_seconds=0.01)
    db.dispose()
    time.sleep(0.05)
    client = client_factory(workers=1, lease_seconds=1.5)
    from helpers import wait_for

    final = wait_for(lambda: (j := client.get(f"/api/v1/jobs/{job.id}").json())["status"] == "done" and j, 60,
                     what="the re-queued job to finish")
    assert final["attempts"] == 2


def test_a_killed_worker_process_has_its_job_retried(client_factory, good_app_tgz, monkeypatch):
    import os
    import signal

    from helpers import wait_for

    monkeypatch.setenv("GRADER_SERVICE_JOB_DELAY", "3")
    client = client_factory(workers=1, lease_seconds=1.5)
    r = client.post("/api/v1/jobs", files={"archive": ("good_app.tar.gz", good_app_tgz)},
                    data={"rubric": "rails-rubyllm-v2", "runtime": "false"})
    job_id = r.json()["id"]
    db = client.app.state.db
    owner = wait_for(lambda: _lease_owner(db, job_id), 60, 0.05, what="the job to be claimed")
    pid = int(owner.split(":")[1])
    assert pid != os.getpid()  # graded in a child process, not in the server's interpreter
    os.kill(pid, signal.SIGKILL)
    final = wait_for(lambda: (j := client.get(f"/api/v1/jobs/{job_id}").json())["status"] == "done" and j, 90,
                     what="the retried job to finish")
    assert final["attempts"] == 2
    with db.session() as s:
        runs = s.query(JobAttempt).filter_by(job_id=job_id).order_by(JobAttempt.attempt).all()
    assert [r.outcome for r in runs] == ["lost", "done"] and runs[0].worker != runs[1].worker


def _lease_owner(db, job_id):
    with db.session() as s:
        return s.get(Job, job_id).lease_owner
