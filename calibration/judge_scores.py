"""Judge scores out of graded reports: report.json `judge.verdicts` -> judge.csv rows.

A holistic verdict (`criterion: "dimension:<id>"`) scores its dimension; any other verdict scores
its rubric criterion. One row per sample, so test-retest spread stays measurable; the verdict's
score (the median) is recomputed from the samples downstream. Only `scored` and `unstable` verdicts
carry a score: the others are counted and named, never turned into zeros.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from calibration.scores import JudgeScore

HOLISTIC_PREFIX = "dimension:"


@dataclass
class Extraction:
    rows: list[JudgeScore] = field(default_factory=list)
    unscored: list[str] = field(default_factory=list)  # "item criterion model: status (reason)"
    problems: list[str] = field(default_factory=list)  # reports without a usable judge section
    prompt_versions: set[str] = field(default_factory=set)
    models: set[str] = field(default_factory=set)
    rubrics: set[str] = field(default_factory=set)


def _verdict_rows(item: str, verdict) -> list[JudgeScore]:
    crit = None if verdict.criterion.startswith(HOLISTIC_PREFIX) else verdict.criterion
    # A profile may have rewritten `score`; calibration always measures the raw judge.
    samples = list(verdict.samples)
    if not samples:
        raw = verdict.raw_score if verdict.raw_score is not None else verdict.score
        samples = [raw] if raw is not None else []
    return [JudgeScore(item, verdict.dimension, crit, float(s), verdict.model, k) for k, s in enumerate(samples)]


def add_report(ex: Extraction, item: str, report: dict) -> None:
    """Add one report's judge verdicts under item id `item`."""
    from pydantic import ValidationError

    from grader.judge.models import JudgeReport

    raw = report.get("judge") if isinstance(report, dict) else None
    if isinstance(report, dict) and report.get("rubric"):
        ex.rubrics.add(str(report["rubric"]))
    if not raw:
        ex.problems.append(f"{item}: report has no judge section (graded with --no-judge or before the judge stage)")
        return
    try:
        judge = JudgeReport.model_validate(raw)
    except ValidationError as exc:
        ex.problems.append(f"{item}: judge section does not match the report contract ({exc.error_count()} errors)")
        return
    if judge.prompt_version:
        ex.prompt_versions.add(judge.prompt_version)
    for v in judge.verdicts:
        if v.status not in ("scored", "unstable"):
            ex.unscored.append(f"{item} {v.criterion} {v.model}: {v.status}" + (f" ({v.reason})" if v.reason else ""))
            continue
        ex.models.add(v.model)
        ex.rows.extend(_verdict_rows(item, v))


def extract_reports(reports: dict[str, Path]) -> Extraction:
    """{item id: report.json path} -> rows. Unreadable reports are problems, not exceptions."""
    ex = Extraction()
    for item, path in sorted(reports.items()):
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            ex.problems.append(f"{item}: cannot read {path}: {exc}")
            continue
        add_report(ex, item, data)
    return ex


def find_reports(folder: Path) -> dict[str, Path]:
    """<folder>/<item>/report.json for every item sub-folder (the layout of `calibrate run` and grade-many)."""
    return {p.parent.name: p for p in sorted(Path(folder).glob("*/report.json"))}
