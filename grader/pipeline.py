"""Grade one repository: ingest -> static check -> facts -> runtime -> judge -> score -> reports.

Every stage runs in its own guard. A stage that fails or is skipped is recorded with its reason,
and the facts it should have produced become *unknown*, so the points they govern stay pending:
a broken stage never reads as a pass, and never as a silent zero.
"""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

from static_checks.models import CheckReport, Fact

from grader.report.redact import redact, redact_finding
from grader.report.model import (
    ArithmeticCheck, ClaimRow, GradeReport, RepoInfo, SelfReviewSummary, StageResult,
)
from grader.rubric import Rubric, load_rubric
from grader.scoring import FactSet, check_scorecard, score


@dataclass
class GradeOptions:
    runtime: bool = True
    judge: bool = True
    base_image: str | None = None
    ruby_llm_version: str | None = None
    runtime_options: Any = None  # grader.runtime.RuntimeOptions; built from base_image when None


@dataclass
class _Run:
    stages: list[StageResult] = field(default_factory=list)
    missing: set[str] = field(default_factory=set)

    def guard(self, name: str, fn: Callable[[], Any], *, fact_stage: str | None = None) -> Any:
        """Run one stage; on error record it (one line) and mark its facts unknown."""
        started = time.perf_counter()
        try:
            result = fn()
        except Exception as exc:  # noqa: BLE001 - a stage's failure is data for the report
            detail = f"{type(exc).__name__}: {' '.join(str(exc).split())}"[:500]
            self.stages.append(StageResult(name=name, status="failed", seconds=_secs(started), detail=detail))
            if fact_stage:
                self.missing.add(fact_stage)
            _debug_trace(name)
            return None
        self.stages.append(StageResult(name=name, status="ok", seconds=_secs(started)))
        return result

    def skip(self, name: str, reason: str, fact_stage: str | None = None) -> None:
        self.stages.append(StageResult(name=name, status="skipped", detail=reason))
        if fact_stage:
            self.missing.add(fact_stage)

    def last(self) -> StageResult:
        return self.stages[-1]

    def stage(self, name: str) -> StageResult | None:
        return next((s for s in self.stages if s.name == name), None)


def _secs(started: float) -> float:
    return round(time.perf_counter() - started, 3)


def _debug_trace(stage: str) -> None:
    import os
    import sys

    if os.environ.get("GRADER_DEBUG"):
        print(f"--- stage {stage} failed ---", file=sys.stderr)
        traceback.print_exc()


def _static_check(repo: Path, options: GradeOptions, with_facts: bool) -> CheckReport:
    from static_checks.engine import check_path

    if with_facts:
        return check_path(repo, ruby_llm_version=options.ruby_llm_version, with_facts=True)
    return check_path(repo, ruby_llm_version=options.ruby_llm_version)


def _runtime(repo: Path, options: GradeOptions):
    from grader.runtime import RuntimeOptions, run_runtime, runtime_facts

    opts = options.runtime_options or RuntimeOptions(base_image=options.base_image)
    report = run_runtime(repo, opts)
    return report, runtime_facts(report)


def _self_review_summary(fid) -> SelfReviewSummary:
    review = fid.review
    return SelfReviewSummary(
        file=review.path,
        rows=len(review.rows),
        malformed=[{"line": m.line, "problem": redact(m.problem), "raw": redact(m.raw[:200])} for m in review.malformed],
        invented_numbering=fid.invented_numbering,
        invented_reasons=fid.invented_reasons,
        claims=[
            ClaimRow(line=c.row.line, goal_cell=redact((c.row.goal or "") + (" " + c.row.label if c.row.label else "")),
                     goal=c.goal, verdict=c.row.verdict, status=c.status, evidence=redact(c.row.evidence[:300]),
                     decided_by=sorted({f.id for f in c.facts}))
            for c in fid.claims
        ],
        fabricated_citations=[{"line": c.line, "cited": c.text} for c in fid.citations if not c.exists],
        known_defects=[{"line": line, "text": redact(text)} for line, text in review.known_defects],
    )


def _static_stage(run: _Run, repo: Path, options: GradeOptions) -> tuple[CheckReport | None, list[Fact]]:
    """Findings and static facts from one parse; if that combined pass fails, findings are retried
    alone so one broken fact collector does not lose them (static facts are then unknown)."""
    static_facts: list[Fact] = []
    check = run.guard("static", lambda: _static_check(repo, options, with_facts=True))
    if check is not None:
        static_facts = list(check.facts)
        run.stages.append(StageResult(name="facts", status="ok", detail="collected in the static pass"))
    else:
        run.last().name = "facts"
        check = run.guard("static", lambda: _static_check(repo, options, with_facts=False))
        run.missing.add("static")
    if check is None:
        # Without findings, rules over invented calls cannot be trusted: static facts are unknown.
        run.missing.add("static")
    return check, static_facts


def grade_path(repo: Path, rubric: Rubric | str | Path, options: GradeOptions | None = None,
               source: str | None = None, kind: str = "folder", commit: str | None = None) -> GradeReport:
    """Grade a folder already on disk. Never raises for a stage failure: it is in report.stages."""
    from static_checks import __version__ as tool_version

    options = options or GradeOptions()
    if not isinstance(rubric, Rubric):
        rubric = load_rubric(rubric)
    repo = Path(repo).resolve()
    run = _Run()

    check, static_facts = _static_stage(run, repo, options)

    runtime_report = None
    runtime_facts: list[Fact] = []
    if options.runtime:
        got = run.guard("runtime", lambda: _runtime(repo, options), fact_stage="runtime")
        if got is not None:
            runtime_report, runtime_facts = got
            status = runtime_report.status.value
            if status != "ok":
                run.last().status = "skipped" if status == "skipped" else "partial"
                run.last().detail = runtime_report.skipped_reason or f"runtime stage {status}"
            if status == "skipped":
                run.missing.add("runtime")
    else:
        run.skip("runtime", "--no-runtime: runtime facts unknown, their points pending", fact_stage="runtime")

    base_facts = FactSet(list(static_facts) + runtime_facts, missing_stages=run.missing)
    fidelity = None
    review_facts: list[Fact] = []
    if rubric.goals:
        from grader.selfreview import review_facts as collect_review

        got = run.guard("self_review", lambda: collect_review(repo, rubric, base_facts), fact_stage="selfreview")
        if got is not None:
            fidelity, review_facts = got

    # The judge stage, when built, reports each criterion as a fact `judge.<criterion id>` (points
    # awarded, evidence = its citations); scoring then decides those points instead of leaving them pending.
    if options.judge:
        run.skip("judge", "the LLM judge stage is not built yet: judge criteria pending", fact_stage="judge")
    else:
        run.skip("judge", "--no-judge: judge criteria pending", fact_stage="judge")

    all_facts = list(static_facts) + runtime_facts + review_facts
    started = time.perf_counter()
    card = score(rubric, FactSet(all_facts, missing_stages=run.missing))
    run.stages.append(StageResult(name="score", status="ok", seconds=_secs(started)))

    report = GradeReport(
        **card.model_dump(),
        grader_version=tool_version,
        rubric_title=rubric.title,
        generated_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        repo=RepoInfo(source=source or str(repo), name=repo.name, kind=kind, commit=commit),
        facts=[_redacted_fact(f) for f in all_facts],
        findings=[redact_finding(f.model_dump(mode="json")) for f in (check.findings if check else [])],
        static=({"roots": [r.model_dump(mode="json") for r in check.roots], "files_analyzed": check.files_analyzed,
                 "skipped": [s.model_dump(mode="json") for s in check.skipped]} if check else {}),
        runtime=(runtime_report.model_dump(mode="json") if runtime_report is not None
                 else {"status": "skipped", "skipped_reason": run.stage("runtime").detail if run.stage("runtime") else None}),
        self_review=_self_review_summary(fidelity) if fidelity is not None else None,
        stages=run.stages,
    )
    report.tier_note = _tier_note(report)
    problems = check_scorecard(report, rubric)
    report.arithmetic_check = ArithmeticCheck(ok=not problems, problems=problems)
    return report


def _redacted_fact(fact: Fact) -> dict:
    data = fact.model_dump(mode="json")
    for ev in data.get("evidence", []):
        if isinstance(ev.get("snippet"), str):
            ev["snippet"] = redact(ev["snippet"], ev.get("file"))
    return data


def _tier_note(r: GradeReport) -> str:
    if not r.tier_provisional:
        return f"tier {r.tier} on {r.total:g}/{r.max_total:g} points, nothing pending"
    if r.tier == r.tier_best_case:
        return f"tier {r.tier} on earned points; {r.pending_points:g} points pending cannot change it"
    return (f"provisional: tier {r.tier} on {r.total:g} earned points; up to {r.tier_best_case} "
            f"if the {r.pending_points:g} pending points are earned")


def write_reports(report: GradeReport, out_dir: Path, repo: Path | None = None) -> dict[str, Path]:
    """report.json, report.md, report.html. A renderer's failure is recorded, the others still written."""
    from grader.report.render import write_all

    return write_all(report, Path(out_dir), repo)


def display_name(source: str) -> str:
    """A repo's name from what the user gave: folder name, archive name without its suffix,
    or the last part of a git URL without `.git` and `@commit`."""
    from grader.ingest import ARCHIVE_SUFFIXES, is_git_url, split_git_ref

    if is_git_url(source) and not Path(source).exists():
        source = split_git_ref(source)[0]
    name = Path(source.rstrip("/")).name
    for suffix in sorted(ARCHIVE_SUFFIXES, key=len, reverse=True):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name.removesuffix(".git")


def grade(source: str, rubric: Rubric | str | Path, out_dir: Path | None, options: GradeOptions | None = None) -> GradeReport:
    """Ingest `source` (folder, archive, git URL), grade it, write the reports when out_dir is given."""
    from grader.ingest import ingest

    if not isinstance(rubric, Rubric):
        rubric = load_rubric(rubric)  # a bad rubric is the user's error: raise before any work
    with ingest(source) as got:
        report = grade_path(got.path, rubric, options, source=source, kind=got.kind, commit=got.commit)
        if got.kind != "folder":
            report.repo.name = display_name(source) or report.repo.name
        if out_dir is not None:
            write_reports(report, Path(out_dir), got.path)
    return report
