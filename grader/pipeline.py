"""Grade one repository: ingest, then the stages in order (static, runtime, self-review, judge),
then scoring, then the report (assembled in grader.report, written atomically).

Every stage runs in its own guard. A stage that fails or is skipped is recorded with its reason,
and the facts it should have produced become *unknown*, so the points they govern stay pending:
a broken stage never reads as a pass, and never as a silent zero.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from grader.core.budget import stop_requested
from grader.core.stage import (
    CancelToken, Cancelled, ProgressCallback, ProgressEvent, Stage, StageContext, StageOutcome, no_progress,
)
from grader.report.model import GradeReport
from grader.rubric import Rubric, load_rubric
from grader.scoring import FactSet, score

# Stages the user switched off, and what the report says about it.
SWITCHED_OFF = {
    "runtime": ("runtime", "--no-runtime: runtime facts unknown, their points pending"),
    "judge": ("judge", "--no-judge: judge criteria pending"),
}


_EVENT_STATE: dict[str, Literal["finished", "failed"]] = {"ok": "finished", "partial": "finished", "failed": "failed"}


@dataclass
class GradeOptions:
    runtime: bool = True
    judge: bool = True
    base_image: str | None = None
    ruby_llm_version: str | None = None
    runtime_options: Any = None  # grader.runtime.RuntimeOptions; built from base_image when None
    judge_options: Any = None  # read by grader.judge.stage.JudgeStage
    stages: list[Stage] | None = None  # None: grader.stages.default_stages(rubric)


@dataclass
class StageRecord:
    """One stage's run as the report needs it."""

    name: str
    fact_stage: str  # key of its facts for scoring: static, runtime, selfreview, judge
    outcome: StageOutcome
    seconds: float = 0.0


@dataclass
class StagesRun:
    records: list[StageRecord] = field(default_factory=list)
    facts: list[Any] = field(default_factory=list)
    missing: set[str] = field(default_factory=set)  # fact stages whose facts are unknown

    def factset(self) -> FactSet:
        return FactSet(list(self.facts), missing_stages=self.missing)


def _switched_off(stage: Stage, options: GradeOptions) -> str | None:
    flag, reason = SWITCHED_OFF.get(stage.name, (None, None))
    return reason if flag is not None and not getattr(options, flag) else None


def _facts_known(outcome: StageOutcome) -> bool:
    if outcome.status in ("failed", "skipped", "not_applicable"):
        return False
    return bool(getattr(outcome.summary, "facts_known", True))


def _run_one(stage: Stage, context: StageContext, options: GradeOptions) -> StageOutcome:
    reason = _switched_off(stage, options) or stage.applies(context)
    if reason is not None:
        return StageOutcome(status="skipped", detail=reason)
    context.cancel.raise_if_cancelled()
    outcome = stage.run(context)
    if outcome.status == "ok" and outcome.summary is None and not outcome.facts:
        # A stage that ran nothing is never "ok".
        return StageOutcome(status="not_applicable", detail=outcome.detail or "the stage had nothing to run")
    return outcome


def run_stages(repo: Path, rubric: Rubric, options: GradeOptions, progress: ProgressCallback = no_progress,
               cancel: CancelToken | None = None) -> StagesRun:
    from grader.stages import default_stages, fact_stage

    cancel = cancel or CancelToken()
    stages = list(options.stages) if options.stages is not None else default_stages(rubric)
    run = StagesRun()
    for i, stage in enumerate(stages):
        if stop_requested():  # a Ctrl-C/SIGTERM whose KeyboardInterrupt a finalizer swallowed
            raise KeyboardInterrupt("stop requested")
        progress(ProgressEvent(stage.name, "stage", "started", done=i, total=len(stages)))
        context = StageContext(repo=repo, rubric=rubric, facts=run.factset(), options=options, progress=progress,
                               cancel=cancel)
        started = time.perf_counter()
        try:
            outcome = (StageOutcome(status="skipped", detail=f"job cancelled ({cancel.reason})") if cancel.cancelled
                       else _run_one(stage, context, options))
        except Cancelled as exc:
            outcome = StageOutcome(status="failed", detail=f"cancelled: {exc}")
        except Exception as exc:  # noqa: BLE001 - a stage's failure is data for the report
            outcome = StageOutcome(status="failed", detail=f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:500])
            _debug_trace(stage.name)
        seconds = 0.0 if outcome.status == "skipped" and not outcome.summary else _secs(started)
        run.records.append(StageRecord(stage.name, fact_stage(stage), outcome, seconds))
        run.facts.extend(outcome.facts)
        if not _facts_known(outcome):
            run.missing.add(fact_stage(stage))
        progress(ProgressEvent(stage.name, "stage", _EVENT_STATE.get(outcome.status, "skipped"), done=i + 1,
                               total=len(stages), detail=outcome.detail))
    return run


def _secs(started: float) -> float:
    return round(time.perf_counter() - started, 3)


def _debug_trace(stage: str) -> None:
    if os.environ.get("GRADER_DEBUG"):
        print(f"--- stage {stage} failed ---", file=sys.stderr)
        traceback.print_exc()


def grade_path(repo: Path, rubric: Rubric | str | Path, options: GradeOptions | None = None,
               source: str | None = None, kind: str = "folder", commit: str | None = None, *,
               progress: ProgressCallback = no_progress, cancel: CancelToken | None = None) -> GradeReport:
    """Grade a folder already on disk. Never raises for a stage failure: it is in report.stages."""
    from grader.report.assemble import assemble_report

    options = options or GradeOptions()
    if not isinstance(rubric, Rubric):
        rubric = load_rubric(rubric)
    repo = Path(repo).resolve()
    run = run_stages(repo, rubric, options, progress, cancel)
    started = time.perf_counter()
    card = score(rubric, run.factset())
    return assemble_report(card, rubric, run, repo, score_seconds=_secs(started), source=source, kind=kind,
                           commit=commit)


class NotARubyApp(ValueError):
    """The input holds no Ruby app at all (an empty folder, a Python repo): nothing to grade."""


RUBY_APP_MARKERS = ("Gemfile", "config.ru", "Rakefile")
RUBY_SUFFIXES = (".rb", ".erb", ".gemspec")


def ruby_app_missing(repo: Path) -> str | None:
    """Why `repo` is no Ruby app (no Gemfile, Rakefile, config.ru, .rb, .erb or .gemspec file
    outside vendored folders), or None when it has one."""
    from grader.core.repo import RepoReader

    for entry in RepoReader(repo).files():
        if entry.name in RUBY_APP_MARKERS or entry.name.endswith(RUBY_SUFFIXES):
            return None
    return "no Ruby app found (no Gemfile, Rakefile, config.ru, .rb, .erb or .gemspec file): nothing to grade"


def write_reports(report: GradeReport, out_dir: Path) -> dict[str, Path]:
    """report.json, report.md, report.html, each written atomically. Rendering never changes the report."""
    from grader.report.render import write_all

    return write_all(report, Path(out_dir))


def grade(source: str, rubric: Rubric | str | Path, out_dir: Path | None, options: GradeOptions | None = None, *,
          progress: ProgressCallback = no_progress, cancel: CancelToken | None = None) -> GradeReport:
    """Ingest `source` (folder, archive, git URL), grade it, write the reports when out_dir is given.
    The output folder is locked for the whole run, so two runs into it never mix their files.
    Raises NotARubyApp for an input with no Ruby app in it, Cancelled when `cancel` was set."""
    from contextlib import nullcontext

    from grader.ingest import ingest
    from grader.report.names import display_name
    from grader.report.output import locked_output_dir

    if not isinstance(rubric, Rubric):
        rubric = load_rubric(rubric)  # a bad rubric is the user's error: raise before any work
    with locked_output_dir(Path(out_dir)) if out_dir is not None else nullcontext():
        with ingest(source) as got:
            progress(ProgressEvent("ingest", "stage", "finished", detail=got.kind))
            if (missing := ruby_app_missing(got.path)) is not None:
                raise NotARubyApp(f"{source}: {missing}")
            report = grade_path(got.path, rubric, options, source=source, kind=got.kind, commit=got.commit,
                                progress=progress, cancel=cancel)
        if got.kind != "folder":
            report.repo.name = display_name(source) or report.repo.name
        if cancel is not None:
            cancel.raise_if_cancelled()  # a cancelled job writes nothing (grade_path still returns it marked)
        if out_dir is not None:
            write_reports(report, Path(out_dir))
    return report


def display_name(source: str) -> str:
    """Kept for callers of the old location; the names live in grader.report.names."""
    from grader.report.names import display_name as name

    return name(source)
