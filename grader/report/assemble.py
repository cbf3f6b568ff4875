"""Build the typed GradeReport from what the stages handed on and the scorecard.

Everything the renderers need is decided here, once, while the repo is still on disk: redaction of
secrets, the tier wording, the rows of the stage table, and the code excerpts report.html shows.
After this the report is data; rendering it never reads the repo and never changes it.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from static_checks.models import Fact, Finding

from grader.core.redact import redact
from grader.judge.models import JudgeReport
from grader.report.excerpts import capture_excerpt
from grader.report.model import (
    ArithmeticCheck, ClaimRow, CodeExcerpt, FabricatedCitation, GradeReport, InjectionNote, KnownDefect, MalformedRow,
    RepoInfo, RuntimeNotRun, SelfReviewSummary, StageResult, StaticSummary,
)
from grader.runtime.models import RuntimeReport
from grader.scoring import check_scorecard
from grader.scoring.models import Scorecard

if TYPE_CHECKING:
    from grader.pipeline import StageRecord, StagesRun
    from grader.rubric import Rubric

MAX_EXCERPTS = 400  # report.html shows up to 3 places per deduction plus each invented call


def assemble_report(card: Scorecard, rubric: Rubric, run: StagesRun, repo: Path, *, score_seconds: float,
                    source: str | None, kind: str, commit: str | None) -> GradeReport:
    from static_checks import __version__ as tool_version

    from grader.stages import StaticStageSummary

    by_name = {r.name: r for r in run.records}
    static = by_name.get("static")
    check = static.outcome.summary.check if static and isinstance(static.outcome.summary, StaticStageSummary) else None
    report = GradeReport(
        **card.model_dump(),
        grader_version=tool_version,
        rubric_title=rubric.title,
        generated_at=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        repo=RepoInfo(source=source or str(repo), name=repo.name, kind=kind, commit=commit),
        facts=[redacted_fact(f) for f in run.facts],
        findings=[redacted_finding(f) for f in (check.findings if check else [])],
        static=(StaticSummary(roots=check.roots, files_analyzed=check.files_analyzed, skipped=check.skipped,
                              suppressions=check.suppressions) if check else None),
        stages=stage_rows(run.records) + [StageResult(name="score", status="ok", seconds=score_seconds)],
    )
    report.runtime = _runtime_section(by_name.get("runtime"))
    review = by_name.get("self_review")
    if review is not None and review.outcome.summary is not None:
        report.self_review = self_review_summary(review.outcome.summary)
    judge = by_name.get("judge")
    if judge is not None and isinstance(judge.outcome.summary, JudgeReport):
        report.judge = judge.outcome.summary
    report.tier_note = tier_note(report)
    add_reader_words(report, rubric)
    problems = check_scorecard(report, rubric)
    report.arithmetic_check = ArithmeticCheck(ok=not problems, problems=problems)
    report.excerpts = capture_excerpts(report, repo)
    return report


def stage_rows(records: list[StageRecord]) -> list[StageResult]:
    """One row per stage; the static stage has two, findings (`static`) and static facts (`facts`),
    each with its own status, so a failed fact pass is never hidden behind a good audit."""
    from grader.stages import StaticStageSummary

    rows = []
    for rec in records:
        summary = rec.outcome.summary
        if rec.name == "static" and isinstance(summary, StaticStageSummary):
            rows.append(StageResult(name="static", status=summary.findings.status, seconds=summary.findings.seconds,
                                    detail=summary.findings.detail))
            rows.append(StageResult(name="facts", status=summary.facts.status, seconds=summary.facts.seconds,
                                    detail=summary.facts.detail))
            continue
        rows.append(StageResult(name=rec.name, status=rec.outcome.status, seconds=rec.seconds,
                                detail=rec.outcome.detail))
    return rows


def _runtime_section(rec: StageRecord | None) -> RuntimeReport | RuntimeNotRun:
    if rec is None:
        return RuntimeNotRun(skipped_reason="the runtime stage is not in this grade's stage list")
    if isinstance(rec.outcome.summary, RuntimeReport):
        return rec.outcome.summary
    return RuntimeNotRun(skipped_reason=rec.outcome.detail)


def redacted_fact(fact: Fact) -> Fact:
    if not any(isinstance(ev.snippet, str) for ev in fact.evidence):
        return fact
    evidence = [ev.model_copy(update={"snippet": redact(ev.snippet, ev.file)}) if isinstance(ev.snippet, str) else ev
                for ev in fact.evidence]
    return fact.model_copy(update={"evidence": evidence})


def redacted_finding(finding: Finding) -> Finding:
    update = {key: redact(getattr(finding, key), finding.file)
              for key in ("snippet", "message", "evidence", "hint") if isinstance(getattr(finding, key), str)}
    return finding.model_copy(update=update)


def self_review_summary(fid) -> SelfReviewSummary:
    """The typed record of grader.selfreview's Fidelity, redacted."""
    review = fid.review
    return SelfReviewSummary(
        file=review.path,
        rows=len(review.rows),
        malformed=[MalformedRow(line=m.line, problem=redact(m.problem), raw=redact(m.raw[:200]))
                   for m in review.malformed],
        invented_numbering=fid.invented_numbering,
        invented_reasons=fid.invented_reasons,
        claims=[
            ClaimRow(line=c.row.line, goal_cell=redact((c.row.goal or "") + (" " + c.row.label if c.row.label else "")),
                     goal=c.goal, verdict=c.row.verdict, status=c.status, evidence=redact(c.row.evidence[:300]),
                     decided_by=sorted({f.id for f in c.facts}))
            for c in fid.claims
        ],
        fabricated_citations=[FabricatedCitation(line=c.line, cited=c.text) for c in fid.citations if not c.exists],
        known_defects=[KnownDefect(line=line, text=redact(text)) for line, text in review.known_defects],
    )


def tier_note(r: GradeReport) -> str:
    if not r.tier_provisional:
        return f"tier {r.tier} on {r.total:g}/{r.max_total:g} points, nothing pending"
    if r.tier == r.tier_best_case:
        return f"tier {r.tier} on earned points; {r.pending_points:g} points pending cannot change it"
    return (f"provisional: tier {r.tier} on {r.total:g} earned points; up to {r.tier_best_case} "
            f"if the {r.pending_points:g} pending points are earned")


def excerpt_places(r: GradeReport) -> list[tuple[str, int]]:
    """Every file:line report.html shows code for, in the order it shows them."""
    places: list[tuple[str, int]] = []
    for d in r.dimensions:
        for x in d.deductions:
            places.extend((e.file, e.line) for e in x.evidence[:3])
    places.extend((f.file, f.line) for f in r.findings if f.category.value == "api-hallucination")
    places.extend((n.file, n.line) for n in r.prompt_injection[:20])
    for d in r.dimensions:
        for p in d.passed:
            places.extend((e.file, e.line) for e in p.evidence[:1])
    return list(dict.fromkeys(places))


INJECTION_KINDS = {"injection.instructions": "instructions", "injection.hidden_comments": "hidden_comment"}


def add_reader_words(r: GradeReport, rubric: Rubric) -> None:
    """Plain words the renderers need (goal titles, fact labels), the cross-fact consistency check and the
    prompt-injection places: decided now, so rendering reads nothing but the report."""
    from grader.report.words import catalog_meanings, words_for

    r.goals = {g.id: g.title for g in rubric.goals}
    cited = {f.id for f in r.facts}
    for d in r.dimensions:
        for item in (*d.deductions, *d.bonuses, *d.passed):
            cited |= set(item.facts)
        for p in d.pending:
            cited |= set(p.unknown_facts)
    r.fact_labels, r.fact_names = words_for(cited, catalog_meanings())
    r.inconsistencies = _inconsistencies(r)
    r.prompt_injection = injection_notes(r)


def _inconsistencies(r: GradeReport) -> list[str] | None:
    stage = r.stage("facts")
    if stage is not None and stage.status not in ("ok", "partial"):
        return None
    from static_checks.facts.consistency import inconsistencies

    return inconsistencies([f for f in r.facts if f.id.split(".")[0] not in ("runtime", "selfreview", "judge")])


def injection_notes(r: GradeReport) -> list[InjectionNote]:
    """Text aimed at an AI grader: the static findings of a prompt-injection rule when `check` reports
    them, else the places the `injection.*` facts recorded. Shown whether or not the judge ran."""
    found = [InjectionNote(file=f.file, line=f.line, kind=str(f.extra.get("kind") or "instructions"),
                           text=(f.snippet or f.message)[:200])
             for f in r.findings if "injection" in f.rule]
    if found:
        return found
    notes = []
    for fid, kind in INJECTION_KINDS.items():
        fact = r.fact(fid)
        for ev in fact.evidence if fact is not None else []:
            text = redact(ev.snippet or "", ev.file)[:200]
            notes.append(InjectionNote(file=ev.file, line=ev.line, kind=kind, text=text))
    return notes


def capture_excerpts(r: GradeReport, repo: Path) -> list[CodeExcerpt]:
    from grader.core.repo import RepoReader

    reader = RepoReader(repo)
    out = []
    for file, line in excerpt_places(r)[:MAX_EXCERPTS]:
        got = capture_excerpt(reader, file, line)
        if got is not None:
            out.append(got)
    return out
