"""The FastAPI application: API, web UI, and the executor that runs submitted jobs."""

from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from grader.service import errors
from grader.service.config import Settings
from grader.service.db import Database

log = logging.getLogger("grader.service")


def create_app(settings: Settings | None = None, *, workers: int = 2) -> FastAPI:
    """`workers` in-process grading threads; 0 with a broker URL sends jobs to Celery instead.
    Raises db.NotMigrated when the database is not at the newest migration."""
    settings = settings or Settings.from_env()
    db = Database(settings)
    db.check()
    executor = _executor(db, settings, workers)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        executor.start()
        try:
            yield
        finally:
            executor.stop()
            db.dispose()

    app = FastAPI(title="grader service", version="1", lifespan=lifespan, openapi_url="/api/v1/openapi.json",
                  docs_url="/api/v1/docs", redoc_url=None,
                  description="Grade agent-built repositories: submit jobs, read reports, rank, score by hand.")
    app.state.settings = settings
    app.state.db = db
    app.state.dispatch = executor.dispatch
    errors.install(app)
    from grader.service.api import router
    from grader.service.web import install_login_redirect
    from grader.service.web import router as web_router

    app.include_router(router)
    app.include_router(web_router)
    install_login_redirect(app)
    app.mount("/static", StaticFiles(directory=str(Path(__file__).with_name("static"))), name="static")
    return app


class _InProcess:
    def __init__(self, db: Database, size: int):
        from grader.service.pool import WorkerPool

        self.pool = WorkerPool(db, size)

    def start(self) -> None:
        self.pool.start()

    def stop(self) -> None:
        self.pool.stop()

    def dispatch(self, job_id: str) -> None:
        self.pool.notify()


class _Celery:
    """Jobs go to Celery workers through Redis; this process also re-queues jobs of dead workers."""

    def __init__(self, db: Database):
        from grader.service.celery_app import Reaper

        self.db = db
        self.reaper = Reaper(db)

    def start(self) -> None:
        self.reaper.start()

    def stop(self) -> None:
        self.reaper.stop()

    def dispatch(self, job_id: str) -> None:
        from grader.service.celery_app import dispatch

        try:
            dispatch(self.db, [job_id])
        except Exception as exc:  # noqa: BLE001 - the reaper re-sends undispatched jobs when the broker is back
            log.warning("could not send job %s to the broker (%s); it stays queued", job_id, exc)


class _Nothing:
    def start(self) -> None: ...

    def stop(self) -> None: ...

    def dispatch(self, job_id: str) -> None: ...


def _executor(db: Database, settings: Settings, workers: int):
    if settings.broker_url and workers == 0:
        return _Celery(db)
    if workers > 0:
        return _InProcess(db, workers)
    return _Nothing()
