"""/api/v1: jobs, reports, cancel, leaderboard, human scores, calibration export."""

from __future__ import annotations

import json
from typing import Iterator

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from grader.service import jobs as jobsvc
from grader.service import scoring, store
from grader.service.auth import Principal, authenticate
from grader.service.errors import ApiError, validation_message
from grader.service.schemas import (
    RUBRIC_SCHEMA, ErrorOut, GitJobRequest, HumanScoresOut, HumanScoresRequest, JobList, JobOptions, JobOut, JobStatus,
    LeaderboardOut,
)

ERRORS = {code: {"model": ErrorOut} for code in (401, 403, 404, 409, 413, 415, 422, 429)}
REPORT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

router = APIRouter(prefix="/api/v1", responses=ERRORS)


def db_session(request: Request) -> Iterator[Session]:
    with request.app.state.db.session() as s:
        yield s


def principal(request: Request, session: Session = Depends(db_session)) -> Principal:
    return authenticate(request, session)


SUBMIT_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": GitJobRequest.model_json_schema(ref_template="#/components/schemas/{model}")},
        "multipart/form-data": {"schema": {
            "type": "object", "required": ["archive", "rubric"],
            "properties": {
                "archive": {"type": "string", "format": "binary",
                            "description": ".tar, .tar.gz, .tgz, .tar.bz2, .tar.xz or .zip"},
                "rubric": {"type": "string", **RUBRIC_SCHEMA},
                "runtime": {"type": "boolean", "default": True},
                "judge_models": {"type": "string", "description": "comma-separated model names"},
                "samples": {"type": "integer", "minimum": 1, "maximum": 10, "default": 1},
                "max_cost": {"type": "number", "minimum": 0},
            }}},
    },
}


@router.post("/jobs", status_code=202, response_model=JobOut, openapi_extra={"requestBody": SUBMIT_BODY},
             summary="Submit a repository to grade (archive upload or git URL@commit)")
async def submit_job(request: Request, session: Session = Depends(db_session),
                     who: Principal = Depends(principal),
                     idempotency_key: str | None = Header(None, alias="Idempotency-Key")) -> Response:
    settings = request.app.state.settings
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > settings.max_upload_bytes + 64 * 1024:
        raise ApiError(413, f"the request is {int(length)} bytes; uploads are limited to "
                            f"{settings.max_upload_bytes} bytes")
    if ctype == "application/json":
        kind, source, rubric, options, data = await _json_submission(request)
    elif ctype == "multipart/form-data":
        kind, source, rubric, options, data = await _multipart_submission(request, settings.max_upload_bytes)
    else:
        raise ApiError(415, "send application/json {\"source\": \"<git URL>@<commit>\", \"rubric\": ...} "
                            "or multipart/form-data with an `archive` file and a `rubric` field")
    jobsvc.check_rubric(rubric)
    job, created = jobsvc.submit(session, who, settings, kind=kind, source=source, rubric=rubric, options=options,
                                 data=data, idempotency_key=idempotency_key)
    if created:
        request.app.state.dispatch(job.id)
    out = jobsvc.job_out(job)
    return JSONResponse(out.model_dump(mode="json"), status_code=202 if created else 200,
                        headers={"Location": out.links["self"]})


JSON_LIMIT = 64 * 1024  # a git submission is a few hundred bytes


async def _json_submission(request: Request):
    raw = b""
    async for chunk in request.stream():
        raw += chunk
        if len(raw) > JSON_LIMIT:
            raise ApiError(413, f"a JSON submission is at most {JSON_LIMIT} bytes; upload archives as multipart")
    try:
        body = GitJobRequest.model_validate(json.loads(raw))
    except RecursionError:
        raise ApiError(422, "the body is not valid JSON: nested too deeply") from None
    except ValueError as exc:
        if isinstance(exc, ValidationError):
            raise ApiError(422, validation_message(exc.errors())) from None
        raise ApiError(422, f"the body is not valid JSON: {' '.join(str(exc).split())[:200]}") from None
    jobsvc.check_git_source(body.source)
    return "git", body.source, body.rubric, body.options, None


async def _multipart_submission(request: Request, limit: int):
    try:
        form = await request.form(max_files=1, max_fields=20)
    except Exception as exc:  # noqa: BLE001 - malformed multipart is the client's error
        raise ApiError(422, f"unreadable multipart body: {' '.join(str(exc).split())[:200]}") from None
    archive = form.get("archive")
    if archive is None or isinstance(archive, str):
        raise ApiError(422, "archive: attach the repository as a file field named `archive` (.tar.gz or .zip)")
    name = jobsvc.check_archive_name(archive.filename or "")
    data = await archive.read(limit + 1)
    if len(data) > limit:
        raise ApiError(413, f"the archive is larger than the {limit}-byte upload limit")
    if not data:
        raise ApiError(422, "archive: the file is empty")
    rubric = form.get("rubric")
    if not isinstance(rubric, str) or not rubric.strip():
        raise ApiError(422, "rubric: give a rubric name, e.g. rails-rubyllm-v2")
    return "upload", name, rubric.strip(), _form_options(form), data


def _form_options(form) -> JobOptions:
    raw: dict = {}
    for key in ("runtime", "samples", "max_cost"):
        value = form.get(key)
        if isinstance(value, str) and value.strip():
            raw[key] = value.strip()
    models = form.get("judge_models")
    if isinstance(models, str) and models.strip():
        raw["judge_models"] = [m.strip() for m in models.split(",") if m.strip()]
    if raw.get("runtime") in ("on",):
        raw["runtime"] = True
    try:
        return JobOptions.model_validate(raw)
    except ValidationError as exc:
        raise ApiError(422, validation_message(exc.errors())) from None


@router.get("/jobs/{job_id}", response_model=JobOut, summary="A job's status, stage, progress, timings and error")
def get_job(job_id: str, session: Session = Depends(db_session), who: Principal = Depends(principal)) -> JobOut:
    return jobsvc.job_out(jobsvc.get_job(session, job_id))


@router.get("/jobs", response_model=JobList, summary="List jobs, newest first")
def list_jobs(session: Session = Depends(db_session), who: Principal = Depends(principal),
              status: JobStatus | None = None, rubric: str | None = Query(None, max_length=200),
              repo: str | None = Query(None, max_length=300), owner: str | None = Query(None, max_length=120),
              limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0, le=10_000_000)) -> JobList:
    rows, total = jobsvc.list_jobs(session, status=status, rubric=rubric, repo=repo, owner=owner, limit=limit,
                                   offset=offset)
    nxt = offset + len(rows) if offset + len(rows) < total else None
    return JobList(jobs=[jobsvc.job_out(j) for j in rows], total=total, limit=limit, offset=offset, next_offset=nxt)


@router.post("/jobs/{job_id}/cancel", response_model=JobOut,
             summary="Cancel a job: a queued one at once, a running one stops its containers and judge calls")
def cancel_job(job_id: str, session: Session = Depends(db_session), who: Principal = Depends(principal)) -> JobOut:
    job = jobsvc.get_job(session, job_id)
    if job.owner != who.owner and who.owner != "anonymous":
        raise ApiError(403, f"job {job_id} belongs to {job.owner}; only its owner can cancel it")
    if job.status in ("done", "failed", "cancelled"):
        raise ApiError(409, f"job {job_id} is already {job.status}")
    return jobsvc.job_out(store.request_cancel(session, job))


def _report(session: Session, job_id: str):
    from grader.service.models import JobReport

    job = jobsvc.get_job(session, job_id)
    if job.status != "done":
        hint = (f"it failed: {job.error}" if job.status == "failed"
                else f"poll GET /api/v1/jobs/{job_id} until status is done")
        raise ApiError(409, f"job {job_id} is {job.status}, it has no report; {hint}")
    report = session.get(JobReport, job_id)
    if report is None:
        raise ApiError(404, f"job {job_id} has no stored report")
    return report


@router.get("/jobs/{job_id}/report", summary="report.json", responses={200: {"content": {"application/json": {}}}})
def report_json(job_id: str, session: Session = Depends(db_session), who: Principal = Depends(principal)) -> Response:
    return Response(_report(session, job_id).report_json, media_type="application/json")


@router.get("/jobs/{job_id}/report.md", summary="report.md", response_class=PlainTextResponse)
def report_md(job_id: str, session: Session = Depends(db_session), who: Principal = Depends(principal)) -> Response:
    from grader.service.reports import markdown

    return Response(markdown(_report(session, job_id)), media_type="text/markdown; charset=utf-8")


@router.get("/jobs/{job_id}/report.html", summary="report.html", responses={200: {"content": {"text/html": {}}}})
def report_html(job_id: str, session: Session = Depends(db_session), who: Principal = Depends(principal)) -> Response:
    from grader.service.reports import html

    return Response(html(_report(session, job_id)), media_type="text/html; charset=utf-8",
                    headers={"Content-Security-Policy": REPORT_CSP})


@router.get("/leaderboard", response_model=LeaderboardOut, summary="Newest grade of each repo, ranked")
def leaderboard(rubric: str = Query(..., min_length=1, max_length=200, json_schema_extra=RUBRIC_SCHEMA),
                session: Session = Depends(db_session), who: Principal = Depends(principal)) -> LeaderboardOut:
    return scoring.leaderboard(session, rubric)


@router.post("/jobs/{job_id}/human-scores", response_model=HumanScoresOut, status_code=201,
             summary="Record a rater's scores for the judge criteria of a finished job")
def post_human_scores(job_id: str, body: HumanScoresRequest, session: Session = Depends(db_session),
                      who: Principal = Depends(principal)) -> HumanScoresOut:
    job = jobsvc.get_job(session, job_id)
    return HumanScoresOut(job_id=job.id, scores=scoring.save_human_scores(session, job, body))


@router.get("/jobs/{job_id}/human-scores", response_model=HumanScoresOut, summary="The human scores of a job")
def get_human_scores(job_id: str, session: Session = Depends(db_session),
                     who: Principal = Depends(principal)) -> HumanScoresOut:
    job = jobsvc.get_job(session, job_id)
    return HumanScoresOut(job_id=job.id, scores=scoring.human_scores(session, job.id))


@router.get("/calibration/export", summary="Human scores as CSV: item,dimension,score,rater,criterion",
            responses={200: {"content": {"text/csv": {}}}})
def calibration_export(rubric: str = Query(..., min_length=1, max_length=200, json_schema_extra=RUBRIC_SCHEMA),
                       session: Session = Depends(db_session),
                       who: Principal = Depends(principal)) -> Response:
    return Response(scoring.calibration_csv(session, rubric), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="calibration-{rubric}.csv"'})


@router.get("/calibration/judge-scores", summary="Judge samples as CSV: item,dimension,score,model,sample,criterion",
            responses={200: {"content": {"text/csv": {}}}})
def calibration_judge_scores(rubric: str = Query(..., min_length=1, max_length=200, json_schema_extra=RUBRIC_SCHEMA),
                             session: Session = Depends(db_session), who: Principal = Depends(principal)) -> Response:
    return Response(scoring.judge_scores_csv(session, rubric), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="judge-{rubric}.csv"'})
