"""Server-rendered web UI (Jinja2 + plain forms; live status by a small script polling the API).
Every page works without JavaScript; the script only refreshes job status in place."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from sqlalchemy.orm import Session

from grader.service import jobs as jobsvc
from grader.service import scoring, store
from grader.service.api import db_session
from grader.service.auth import COOKIE, Principal, authenticate, hash_token
from grader.service.errors import ApiError, validation_message
from grader.service.models import JOB_STATUSES, JobReport
from grader.service.schemas import HumanScoresRequest, JobOptions

templates = Jinja2Templates(directory=str(Path(__file__).with_name("templates")))
router = APIRouter(include_in_schema=False)
DEFAULT_RUBRIC = "rails-rubyllm-v2"


class LoginRequired(Exception):
    pass


def viewer(request: Request, session: Session = Depends(db_session)) -> Principal:
    try:
        return authenticate(request, session)
    except HTTPException as exc:
        if exc.status_code == 401:
            raise LoginRequired() from None
        raise


def page(request: Request, template: str, http_status: int = 200, **ctx) -> HTMLResponse:
    ctx.setdefault("message", request.query_params.get("message"))
    ctx.setdefault("error", None)
    return templates.TemplateResponse(request, template, ctx, status_code=http_status)


def install_login_redirect(app) -> None:
    @app.exception_handler(LoginRequired)
    async def _login(request: Request, exc: LoginRequired):
        return RedirectResponse("/login?" + urlencode({"next": request.url.path}), status_code=303)

    # Browsers get an HTML error page for the UI's paths; the API keeps its JSON errors.
    app.state.html_error = lambda request, status, message: page(request, "error.html.j2", status, nav="",
                                                                 error=message, status=status)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/"):
    return page(request, "login.html.j2", next=_local(next), nav="")


@router.post("/login")
async def login(request: Request, session: Session = Depends(db_session)):
    from sqlalchemy import select

    from grader.service.models import ApiToken

    form = await request.form()
    token = str(form.get("token") or "").strip()
    row = session.execute(select(ApiToken).where(ApiToken.token_hash == hash_token(token))).scalar_one_or_none()
    if row is None or row.revoked_at is not None:
        return page(request, "login.html.j2", 401, next=_local(str(form.get("next") or "/")), nav="",
                    error="Unknown or revoked token.")
    resp = RedirectResponse(_local(str(form.get("next") or "/")), status_code=303)
    resp.set_cookie(COOKIE, token, httponly=True, samesite="strict", secure=request.url.scheme == "https")
    return resp


def _local(path: str) -> str:
    # Only redirect within this site.
    return path if path.startswith("/") and not path.startswith("//") else "/"


@router.get("/", response_class=HTMLResponse)
def job_list(request: Request, status: str = "", rubric: str = "", offset: int = 0,
             session: Session = Depends(db_session), who: Principal = Depends(viewer)):
    status = status if status in JOB_STATUSES else ""
    offset = max(0, min(offset, 10_000_000))
    limit = 50
    rows, total = jobsvc.list_jobs(session, status=status or None, rubric=rubric or None, repo=None, owner=None,
                                   limit=limit, offset=offset)
    nxt = offset + len(rows) if offset + len(rows) < total else None

    def query(**changes) -> str:
        params = {"status": status, "rubric": rubric, "offset": offset, **changes}
        return urlencode({k: v for k, v in params.items() if v not in ("", None)})

    return page(request, "jobs.html.j2", nav="jobs", jobs=[jobsvc.job_out(j) for j in rows], total=total,
                offset=offset, limit=limit, next_offset=nxt, statuses=JOB_STATUSES, status=status,
                rubrics=jobsvc.known_rubrics(), rubric=rubric, query=query)


@router.get("/submit", response_class=HTMLResponse)
def submit_form(request: Request, who: Principal = Depends(viewer)):
    return _submit_page(request, {}, None, 200)


def _submit_page(request: Request, form: dict, error: str | None, status: int) -> HTMLResponse:
    settings = request.app.state.settings
    return page(request, "submit.html.j2", status, nav="submit", form=form, error=error,
                rubrics=jobsvc.known_rubrics(), default_rubric=DEFAULT_RUBRIC,
                max_mb=round(settings.max_upload_bytes / 1024 / 1024, 1))


@router.post("/submit")
async def submit(request: Request, session: Session = Depends(db_session), who: Principal = Depends(viewer)):
    settings = request.app.state.settings
    try:
        form = await request.form(max_files=1, max_fields=20)
    except Exception:  # noqa: BLE001
        return _submit_page(request, {}, "The form could not be read; try again.", 400)
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        options = JobOptions.model_validate({
            "runtime": fields.get("runtime") == "true",
            "judge_models": [m.strip() for m in fields.get("judge_models", "").split(",") if m.strip()],
            "samples": fields.get("samples") or 1,
            "max_cost": fields.get("max_cost") or None})
        rubric = fields.get("rubric", "")
        jobsvc.check_rubric(rubric)
        archive = form.get("archive")
        source = fields.get("source", "").strip()
        if archive is not None and not isinstance(archive, str) and archive.filename:
            name = jobsvc.check_archive_name(archive.filename)
            data = await archive.read(settings.max_upload_bytes + 1)
            if len(data) > settings.max_upload_bytes:
                raise ApiError(413, f"The archive is larger than the {settings.max_upload_bytes}-byte upload limit.")
            if not data:
                raise ApiError(422, "The archive is empty.")
            kind, src = "upload", name
        elif source:
            jobsvc.check_git_source(source)
            kind, src, data = "git", source, None
        else:
            raise ApiError(422, "Choose an archive to upload or give a git URL pinned at a commit.")
        job, created = jobsvc.submit(session, who, settings, kind=kind, source=src, rubric=rubric, options=options,
                                     data=data)
    except ValidationError as exc:
        return _submit_page(request, fields, validation_message(exc.errors()), 422)
    except ApiError as exc:
        return _submit_page(request, fields, str(exc.detail), exc.status_code)
    if created:
        request.app.state.dispatch(job.id)
    return RedirectResponse(f"/jobs/{job.id}?" + urlencode({"message": "Submitted."}), status_code=303)


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: str, session: Session = Depends(db_session), who: Principal = Depends(viewer)):
    job = _job_or_404(session, job_id)
    return page(request, "job.html.j2", nav="jobs", job=jobsvc.job_out(job))


@router.post("/jobs/{job_id}/cancel")
def cancel(request: Request, job_id: str, session: Session = Depends(db_session), who: Principal = Depends(viewer)):
    job = _job_or_404(session, job_id)
    if job.status in ("queued", "running") and (job.owner == who.owner or who.owner == "anonymous"):
        store.request_cancel(session, job)
        message = "Cancel requested."
    else:
        message = f"Not cancelled: the job is {job.status} or not yours."
    return RedirectResponse(f"/jobs/{job_id}?" + urlencode({"message": message}), status_code=303)


@router.get("/jobs/{job_id}/report", response_class=HTMLResponse)
def report_page(request: Request, job_id: str, session: Session = Depends(db_session),
                who: Principal = Depends(viewer)):
    from grader.report.model import GradeReport

    job, row = _done_job(session, job_id)
    report = GradeReport.model_validate_json(row.report_json)
    return page(request, "report.html.j2", nav="jobs", r=report, job_id=job.id)


@router.get("/jobs/{job_id}/score", response_class=HTMLResponse)
def score_page(request: Request, job_id: str, rater: str = "", session: Session = Depends(db_session),
               who: Principal = Depends(viewer)):
    return _score_page(request, session, job_id, rater[:100], None, 200)


def _score_page(request: Request, session: Session, job_id: str, rater: str, error: str | None,
                status: int) -> HTMLResponse:
    job, row = _done_job(session, job_id)
    report = json.loads(row.report_json)
    judge = report.get("judge") or {}
    verdicts = {v.get("criterion"): v for v in judge.get("verdicts", []) if isinstance(v, dict)}
    saved = scoring.human_scores(session, job.id)
    existing = {s.criterion: s.score for s in saved if s.rater == rater}
    return page(request, "score.html.j2", status, nav="jobs", job_id=job.id, repo=job.repo_name or job.source,
                rubric=job.rubric, criteria=list(scoring.criteria(job.rubric).values()), verdicts=verdicts,
                dimension_evidence=_dimension_evidence(report), existing=existing, rater=rater, saved=saved,
                error=error)


def _dimension_evidence(report: dict) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for d in report.get("dimensions", []):
        lines = []
        for x in d.get("deductions", [])[:10]:
            where = ", ".join(f"{e.get('file')}:{e.get('line')}" for e in x.get("evidence", [])[:3])
            lines.append(f"−{x.get('points', 0):g} {x.get('reason') or x.get('id')}" + (f" ({where})" if where else ""))
        if lines:
            out[d.get("id")] = lines
    return out


@router.post("/jobs/{job_id}/score")
async def save_scores(request: Request, job_id: str, session: Session = Depends(db_session),
                      who: Principal = Depends(viewer)):
    form = await request.form(max_fields=300)
    rater = str(form.get("rater") or "").strip()[:100]
    scores = [{"criterion": key.split(":", 1)[1], "score": value.strip()} for key, value in form.items()
              if key.startswith("score:") and isinstance(value, str) and value.strip()]
    job = _job_or_404(session, job_id)
    try:
        body = HumanScoresRequest.model_validate({"rater": rater, "scores": scores})
        scoring.save_human_scores(session, job, body)
    except ValidationError as exc:
        msg = validation_message(exc.errors())
        if not scores:
            msg = "Enter at least one score."
        return _score_page(request, session, job_id, rater, msg, 422)
    except ApiError as exc:
        return _score_page(request, session, job_id, rater, str(exc.detail), exc.status_code)
    return RedirectResponse(f"/jobs/{job_id}/score?" + urlencode({"rater": rater, "message": f"Saved {len(scores)} "
                                                                  f"score{'s' if len(scores) != 1 else ''}."}),
                            status_code=303)


@router.get("/leaderboard", response_class=HTMLResponse)
def leaderboard_page(request: Request, rubric: str = DEFAULT_RUBRIC, session: Session = Depends(db_session),
                     who: Principal = Depends(viewer)):
    rubrics = jobsvc.known_rubrics()
    if rubric not in rubrics:
        rubric = DEFAULT_RUBRIC if DEFAULT_RUBRIC in rubrics else rubrics[0]
    return page(request, "leaderboard.html.j2", nav="leaderboard", board=scoring.leaderboard(session, rubric),
                rubric=rubric, rubrics=rubrics)


def _job_or_404(session: Session, job_id: str):
    try:
        return jobsvc.get_job(session, job_id)
    except ApiError:
        raise HTTPException(404, f"no job {job_id!r}") from None


def _done_job(session: Session, job_id: str):
    job = _job_or_404(session, job_id)
    row = session.get(JobReport, job.id) if job.status == "done" else None
    if row is None:
        raise HTTPException(404, f"job {job_id} has no report (it is {job.status})")
    return job, row


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    return Response(status_code=204)
