"""Scale-out against real PostgreSQL and Redis: two `grader worker` processes (Celery) share a batch of
jobs; one is killed with SIGKILL mid-job and the other retries that job. Nothing is lost, nothing runs
twice at once (the attempt log of every job has no overlapping runs and exactly one finished run)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest
from helpers import wait_for

PG = os.environ.get("GRADER_TEST_POSTGRES_URL")
REDIS = os.environ.get("GRADER_TEST_REDIS_URL")
SETUP = ("apt-get install -y postgresql redis-server && pg_ctlcluster 15 main start && "
         "su postgres -c \"psql -c \\\"CREATE ROLE grader LOGIN PASSWORD 'grader' CREATEDB\\\"\" && "
         "su postgres -c \"psql -c 'CREATE DATABASE grader_test OWNER grader'\" && "
         "redis-server --port 6379 --bind 127.0.0.1 --daemonize yes && "
         "export GRADER_TEST_POSTGRES_URL=postgresql://grader:grader@127.0.0.1:5432/grader_test "
         "GRADER_TEST_REDIS_URL=redis://127.0.0.1:6379/15")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not (PG and REDIS), reason=f"needs PostgreSQL and Redis; set them up with: {SETUP}"),
]

JOBS = 8


@pytest.fixture
def shared(monkeypatch, tmp_path):
    """A clean PostgreSQL schema at the newest migration and an empty Redis database."""
    import redis
    from sqlalchemy import text

    from grader.service.db import make_engine, upgrade
    from grader.service.models import Base

    engine = make_engine(PG)
    Base.metadata.drop_all(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
    engine.dispose()
    upgrade(PG)
    redis.Redis.from_url(REDIS).flushdb()
    env = {"GRADER_DATABASE_URL": PG, "GRADER_BROKER_URL": REDIS, "GRADER_LEASE_SECONDS": "3",
           "GRADER_HEARTBEAT_SECONDS": "0.5", "GRADER_REDISPATCH_SECONDS": "5", "GRADER_SERVICE_JOB_DELAY": "2",
           "GRADER_DATA_DIR": str(tmp_path / "data"), "LITELLM_LOCAL_MODEL_COST_MAP": "True"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return env


def start_worker(env: dict, log) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "grader.cli", "worker", "--concurrency", "2", "--loglevel", "WARNING"]
    return subprocess.Popen(cmd, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def test_two_workers_share_jobs_and_a_killed_workers_job_is_retried(shared, good_app_tgz, tmp_path):
    from fastapi.testclient import TestClient

    from grader.service.app import create_app
    from grader.service.config import Settings
    from grader.service.db import Database
    from grader.service.models import Job, JobAttempt

    settings = Settings.from_env()
    log_a, log_b = open(tmp_path / "worker-a.log", "wb"), open(tmp_path / "worker-b.log", "wb")
    worker_a, worker_b = start_worker(shared, log_a), start_worker(shared, log_b)
    db = Database(settings)
    try:
        with TestClient(create_app(settings, workers=0)) as client:
            ids = []
            for i in range(JOBS):
                r = client.post("/api/v1/jobs", files={"archive": (f"app{i}.tar.gz", good_app_tgz)},
                                data={"rubric": "rails-rubyllm-v2", "runtime": "false"})
                assert r.status_code == 202, r.text
                ids.append(r.json()["id"])

            def running_on_a():
                with db.session() as s:
                    return s.query(Job).filter(Job.status == "running",
                                               Job.lease_owner.like(f"%:{worker_a.pid}:%")).first()
            victim = wait_for(running_on_a, 120, 0.05, what="worker A to be running a job")
            os.kill(worker_a.pid, signal.SIGKILL)
            worker_a.wait(10)

            def all_finished():
                with db.session() as s:
                    rows = s.query(Job).filter(Job.id.in_(ids)).all()
                    return rows if all(j.status in ("done", "failed", "cancelled") for j in rows) else None
            jobs = {j.id: j for j in wait_for(all_finished, 240, 0.5, what="every job to finish")}
            assert client.get(f"/api/v1/jobs/{victim.id}").json()["attempts"] == 2
    finally:
        for proc in (worker_a, worker_b):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(15)
                except subprocess.TimeoutExpired:
                    proc.kill()
        log_a.close()
        log_b.close()

    assert {j.status for j in jobs.values()} == {"done"}, {j.id: (j.status, j.error) for j in jobs.values()}
    with db.session() as s:
        attempts = s.query(JobAttempt).filter(JobAttempt.job_id.in_(ids)).order_by(JobAttempt.started_at).all()
    db.dispose()
    by_job: dict[str, list] = {}
    for a in attempts:
        by_job.setdefault(a.job_id, []).append(a)
    assert set(by_job) == set(ids)
    for job_id, runs in by_job.items():
        assert [r.outcome for r in runs].count("done") == 1, (job_id, [(r.worker, r.outcome) for r in runs])
        for earlier, later in zip(runs, runs[1:]):
            assert earlier.ended_at is not None and earlier.ended_at <= later.started_at, "two runs overlapped"
    victim_runs = by_job[victim.id]
    assert [r.outcome for r in victim_runs] == ["lost", "done"]
    assert f":{worker_a.pid}:" in victim_runs[0].worker and f":{worker_b.pid}:" in victim_runs[1].worker
    workers = {r.worker.split(":")[1] for r in attempts}
    assert workers == {str(worker_a.pid), str(worker_b.pid)}  # both shared the batch
