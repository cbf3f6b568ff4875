"""Leaderboard, human scores and the calibration export (CSV `item,dimension,score,rater,criterion`)."""

from __future__ import annotations

import csv
import io
import json
import time
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from grader.service.errors import ApiError
from grader.service.jobs import check_rubric
from grader.service.models import HumanScore, Job
from grader.service.schemas import HumanScoreOut, HumanScoresRequest, LeaderboardOut, LeaderboardRow

CALIBRATION_COLUMNS = ("item", "dimension", "score", "rater", "criterion")


@lru_cache(maxsize=16)
def rubric(name: str):
    from grader.rubric import load_rubric, rubric_dir

    return load_rubric(rubric_dir() / f"{name}.yaml")


def criteria(name: str) -> dict:
    return {c.id: c for c in rubric(name).judge_criteria}


def leaderboard(session: Session, rubric_name: str) -> LeaderboardOut:
    """The newest finished grade of each repo; repos whose newest job failed are listed last with the reason."""
    from grader.report.leaderboard import Leaderboard, LeaderRow

    check_rubric(rubric_name)
    rub = rubric(rubric_name)
    # Only the columns a row needs: the leaderboard is read often and spans every finished job.
    jobs = session.execute(select(Job.id, Job.repo_name, Job.source, Job.status, Job.error, Job.total, Job.max_total,
                                  Job.pending_points, Job.tier)
                           .where(Job.rubric == rubric_name, Job.status.in_(("done", "failed")))
                           .order_by(Job.finished_at.desc())).all()
    newest: dict[str, Any] = {}
    for job in jobs:
        name = job.repo_name or job.source.rsplit("/", 1)[-1]
        newest.setdefault(name, job)
    board = Leaderboard(rubric=rubric_name, rubric_title=rub.title, max_total=rub.max_total, tie_gap=rub.tie_gap,
                        rows=[LeaderRow(name=name, source=job.id, total=job.total, max_total=job.max_total,
                                        pending_points=job.pending_points, tier=job.tier,
                                        error=None if job.status == "done" else (job.error or "failed"))
                              for name, job in newest.items()])
    board.sort()
    rows = [LeaderboardRow(rank=r.rank, name=r.name, job_id=r.source, total=r.total, max_total=r.max_total,
                           pending_points=r.pending_points, tier=r.tier, error=r.error) for r in board.rows]
    return LeaderboardOut(rubric=rubric_name, rubric_title=rub.title, max_total=rub.max_total, tie_gap=rub.tie_gap,
                          rows=rows)


def save_human_scores(session: Session, job: Job, body: HumanScoresRequest) -> list[HumanScoreOut]:
    if job.status != "done":
        raise ApiError(409, f"job {job.id} is {job.status}: human scores are for finished grades")
    known = criteria(job.rubric)
    problems = []
    for s in body.scores:
        c = known.get(s.criterion)
        if c is None:
            problems.append(f"unknown criterion {s.criterion!r} "
                            f"(rubric {job.rubric} has: {', '.join(known) or 'none'})")
        elif s.score > c.points:
            problems.append(f"{s.criterion}: score {s.score:g} is above its maximum {c.points:g}")
    seen = [s.criterion for s in body.scores]
    if len(set(seen)) != len(seen):
        problems.append("each criterion at most once per request")
    if problems:
        raise ApiError(422, "; ".join(problems[:5]))
    rater = body.rater.strip()
    if not rater:
        raise ApiError(422, "rater: give the rater's name")
    now = time.time()
    item = job.repo_name or job.id
    for s in body.scores:
        row = session.execute(select(HumanScore).where(HumanScore.job_id == job.id, HumanScore.rater == rater,
                                                       HumanScore.criterion == s.criterion)).scalar_one_or_none()
        if row is None:
            row = HumanScore(job_id=job.id, rubric=job.rubric, item=item, rater=rater, criterion=s.criterion,
                             dimension=known[s.criterion].dimension, score=s.score, created_at=now)
            session.add(row)
        else:
            row.score, row.created_at = s.score, now
    session.commit()
    return human_scores(session, job.id)


def human_scores(session: Session, job_id: str) -> list[HumanScoreOut]:
    rows = session.execute(select(HumanScore).where(HumanScore.job_id == job_id)
                           .order_by(HumanScore.rater, HumanScore.criterion)).scalars().all()
    return [HumanScoreOut(job_id=r.job_id, item=r.item, rater=r.rater, criterion=r.criterion, dimension=r.dimension,
                          score=r.score) for r in rows]


def calibration_csv(session: Session, rubric_name: str) -> str:
    check_rubric(rubric_name)
    rows = session.execute(select(HumanScore).where(HumanScore.rubric == rubric_name)
                           .order_by(HumanScore.item, HumanScore.criterion, HumanScore.rater)).scalars().all()
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CALIBRATION_COLUMNS)
    for r in rows:
        writer.writerow([_cell(r.item), r.dimension, f"{r.score:g}", _cell(r.rater), r.criterion])
    return buf.getvalue()


def _cell(text: str) -> str:
    # A cell a spreadsheet would run as a formula is prefixed with a quote (CSV injection).
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def judge_scores_csv(session: Session, rubric_name: str) -> str:
    """The judge's per-sample scores of the newest finished job of each repo, in the calibration
    judge-score format (`item,dimension,score,model,sample,criterion`), items named as in the human export."""
    from calibration.judge_scores import Extraction, add_report
    from calibration.scores import JUDGE_COLUMNS

    from grader.service.models import JobReport

    check_rubric(rubric_name)
    rows = session.execute(select(Job.id, Job.repo_name).where(Job.rubric == rubric_name, Job.status == "done")
                           .order_by(Job.finished_at.desc())).all()
    newest: dict[str, str] = {}
    for job_id, repo_name in rows:
        newest.setdefault(repo_name or job_id, job_id)
    ex = Extraction()
    for item, job_id in sorted(newest.items()):
        report = session.get(JobReport, job_id)
        if report is None:
            continue
        data = json.loads(report.report_json)
        if data.get("judge"):
            add_report(ex, _cell(item), data)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(JUDGE_COLUMNS)
    for r in sorted(ex.rows, key=lambda r: (r.item, r.dimension, r.criterion or "", r.model, r.sample)):
        writer.writerow([r.item, r.dimension, f"{r.score:g}", r.model, r.sample, r.criterion or ""])
    return buf.getvalue()
