"""Run one claimed job: materialize its source, grade it through the pipeline's public functions,
store the report, and keep the lease alive (and notice cancellation) from a heartbeat thread."""

from __future__ import annotations

import dataclasses
import inspect
import json
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

from grader.core.stage import CancelToken, Cancelled, ProgressEvent
from grader.service import store
from grader.service.db import Database
from grader.service.models import Job, JobReport, JobUpload
from grader.service.reports import pure_renderer

# Order of the pipeline's stages, to turn "stage k, step d of n" into one fraction for the job.
STAGE_ORDER = ("ingest", "static", "facts", "runtime", "self_review", "judge", "score", "report")


class _Progress:
    """The latest progress of the running job, written to the database by the heartbeat thread.

    The pipeline reports each stage as step "stage" with done/total over all its stages: that is the
    job's fraction. Steps inside a stage (runtime build, boot, tests...) move it within that stage's share.
    Without stage events (an older pipeline) a stage's place in STAGE_ORDER stands in."""

    def __init__(self) -> None:
        self.stage = "starting"
        self.step: str | None = None
        self.fraction = 0.0
        self.base = 0.0  # fraction when the current stage started
        self.width = 0.0  # share of the current stage
        self.changed = threading.Event()

    def __call__(self, event: ProgressEvent) -> None:
        part = (event.done / event.total) if event.done is not None and event.total else None
        if event.step == "stage" and event.total:
            self.width = 1.0 / event.total
            self.base = (event.done or 0) / event.total
            self._advance(self.base)
        elif part is not None and self.width:
            self._advance(self.base + self.width * part)
        elif not self.width and event.stage in STAGE_ORDER:
            self._advance((STAGE_ORDER.index(event.stage) + (part or 0.0)) / len(STAGE_ORDER))
        new_stage = event.stage != self.stage
        self.stage = event.stage
        self.step = event.step if event.step != "stage" else (event.detail or None)
        if new_stage:
            self.changed.set()

    def _advance(self, value: float) -> None:
        self.fraction = max(self.fraction, min(0.99, value))


class _Heartbeat(threading.Thread):
    def __init__(self, db: Database, job_id: str, owner: str, progress: _Progress, cancel: CancelToken):
        super().__init__(name=f"heartbeat-{job_id}", daemon=True)
        self.db, self.job_id, self.owner, self.progress, self.cancel = db, job_id, owner, progress, cancel
        self.stopped = threading.Event()

    def run(self) -> None:
        settings = self.db.settings
        while not self.stopped.is_set():
            self.progress.changed.wait(settings.heartbeat_seconds)
            self.progress.changed.clear()
            if self.stopped.is_set():
                return
            try:
                with self.db.session() as s:
                    ours, cancel = store.heartbeat(s, self.job_id, self.owner, settings.lease_seconds,
                                                   stage=self.progress.stage, step=self.progress.step,
                                                   progress=self.progress.fraction)
            except Exception:  # noqa: BLE001 - a database blip: the lease has slack, try again next beat
                continue
            if not ours:
                self.cancel.cancel("this worker lost the job's lease")
                return
            if cancel:
                self.cancel.cancel("cancelled on request")

    def stop(self) -> None:
        self.stopped.set()
        self.progress.changed.set()


def run_job(db: Database, job_id: str) -> str | None:
    """Claim and run `job_id`. Returns the final status, or None when the job was not ours to run."""
    owner = store.worker_id()
    settings = db.settings
    with db.session() as s:
        job = store.claim(s, job_id, owner, settings.lease_seconds)
        if job is None:
            return None
        upload = s.get(JobUpload, job_id) if job.source_kind == "upload" else None
    progress = _Progress()
    cancel = CancelToken()
    beat = _Heartbeat(db, job_id, owner, progress, cancel)
    beat.start()
    try:
        status, error, summary, timings = _grade(job, upload, progress, cancel, db)
    finally:
        beat.stop()
    if cancel.cancelled and cancel.reason == "this worker lost the job's lease":
        return None
    if cancel.cancelled and status != "failed":
        status, error = "cancelled", cancel.reason
    with db.session() as s:
        ok = store.finish(s, job_id, owner, status, error=error, summary=summary, timings=timings)
    return status if ok else None


def _grade(job: Job, upload: JobUpload | None, progress: _Progress, cancel: CancelToken,
           db: Database) -> tuple[str, str | None, dict | None, list | None]:
    from grader.ingest import IngestError
    from grader.rubric import RubricError

    options = json.loads(job.options_json)
    with tempfile.TemporaryDirectory(prefix="grader-job-") as tmp:
        source = job.source
        if upload is not None:
            source = str(Path(tmp) / Path(upload.filename).name)
            Path(source).write_bytes(upload.data)
        progress(ProgressEvent(stage="ingest", step="unpack" if upload is not None else "clone", state="started"))
        try:
            report = _call_grade(source, job.rubric, Path(tmp) / "out", options, progress, cancel)
        except (IngestError, RubricError) as exc:
            return "failed", _one_line(exc), None, None
        except Cancelled as exc:
            return "cancelled", _one_line(exc) or "cancelled", None, None
        except Exception as exc:  # noqa: BLE001 - the job fails with its reason; the worker lives on
            return "failed", f"{type(exc).__name__}: {_one_line(exc)}", None, None
        progress(ProgressEvent(stage="report", step="store", state="started"))
        out = Path(tmp) / "out"
        texts = {name: (out / name).read_text(encoding="utf-8") if (out / name).exists() else None
                 for name in ("report.json", "report.md", "report.html")}
        report_json = texts["report.json"] or json.dumps(report.model_dump(mode="json"))
    if pure_renderer() is not None:  # md and html are re-rendered from the JSON on request
        texts["report.md"] = texts["report.html"] = None
    with db.session() as s:
        s.merge(JobReport(job_id=job.id, report_json=report_json, report_md=texts["report.md"],
                          report_html=texts["report.html"]))
        s.commit()
    summary = {"repo_name": report.repo.name[:300], "total": report.total, "max_total": report.max_total,
               "pending_points": report.pending_points, "tier": report.tier}
    timings = [{"stage": st.name, "status": st.status, "seconds": st.seconds} for st in report.stages]
    return "done", None, summary, timings


def _call_grade(source: str, rubric: str, out: Path, options: dict, progress: _Progress, cancel: CancelToken) -> Any:
    """grader.pipeline.grade, handing it the progress callback and cancel token when it takes them."""
    from grader import pipeline

    opts = _grade_options(pipeline.GradeOptions, options)
    params = inspect.signature(pipeline.grade).parameters
    kwargs: dict[str, Any] = {}
    if "progress" in params:
        kwargs["progress"] = progress
    if "cancel" in params:
        kwargs["cancel"] = cancel
    delay = float(os.environ.get("GRADER_SERVICE_JOB_DELAY", "0") or 0)
    if delay > 0 and cancel.wait(delay):  # tests and benches: a slow job without a slow repo
        cancel.raise_if_cancelled()
    cancel.raise_if_cancelled()
    progress(ProgressEvent(stage="static", step="analyse", state="started"))
    return pipeline.grade(source, rubric, out, opts, **kwargs)


def _grade_options(cls: type, options: dict) -> Any:
    """GradeOptions from the job's options. Where the judge calls (api base) and the base image are
    the worker host's settings (GRADER_JUDGE_API_BASE, GRADER_BASE_IMAGE), never the client's:
    a client must not make workers call an address of its choosing."""
    names = {f.name for f in dataclasses.fields(cls)}
    judge_models = [m for m in options.get("judge_models") or [] if m]
    values: dict[str, Any] = {"runtime": bool(options.get("runtime", False)), "judge": bool(judge_models)}
    if os.environ.get("GRADER_BASE_IMAGE"):
        values["base_image"] = os.environ["GRADER_BASE_IMAGE"]
    if judge_models and "judge_options" in names:
        from grader.judge.options import JudgeOptions

        judge: dict[str, Any] = {"models": judge_models, "samples": int(options.get("samples") or 1),
                                 "max_cost": options.get("max_cost")}
        if os.environ.get("GRADER_JUDGE_API_BASE"):
            judge["api_base"] = os.environ["GRADER_JUDGE_API_BASE"]
        values["judge_options"] = JudgeOptions(**judge)
    return cls(**{k: v for k, v in values.items() if k in names})


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:500]
