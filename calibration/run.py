"""`grader calibrate run`: grade every item of a set with the judge on, keep the reports, and write
the run folder the other commands read:

    RUN/run.json         what was graded with what (rubric version, judge models, prompt version, items)
    RUN/human.csv        the set's human scores, copied so the run stands alone
    RUN/judge.csv        judge scores out of the reports (item,dimension,score,model,sample,criterion)
    RUN/reports/<item>/  report.json, report.md, report.html

An item that fails to grade is recorded with its error and the others go on; `--resume` reuses the
reports already in RUN (nothing is asked again of the provider for them).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from calibration.judge_scores import extract_reports
from calibration.profile import rubric_version
from calibration.scores import write_human_csv, write_judge_csv
from calibration.sets import CalibrationSet

RUN_FILE = "run.json"


class RunError(ValueError):
    pass


@dataclass
class ItemResult:
    id: str
    status: str  # graded | reused | failed
    report: str | None = None
    error: str | None = None


@dataclass
class RunSummary:
    folder: Path
    items: list[ItemResult] = field(default_factory=list)
    judge_rows: int = 0
    problems: list[str] = field(default_factory=list)
    prompt_versions: list[str] = field(default_factory=list)


def grade_options(judge_options, runtime: bool, base_image: str | None):
    """GradeOptions with the judge on. The pipeline carries judge settings as `judge_options`."""
    from grader.pipeline import GradeOptions

    if "judge_options" not in {f.name for f in fields(GradeOptions)}:
        raise RunError("this build's grade pipeline takes no judge options (the judge stage is not wired in): "
                       "only --resume with existing reports can be used")
    return GradeOptions(runtime=runtime, judge=True, base_image=base_image, judge_options=judge_options)


def _grade_item(item, cset: CalibrationSet, rubric, folder: Path, options) -> ItemResult:
    from grader.ingest import IngestError
    from grader.pipeline import grade

    out = folder / "reports" / item.id
    try:
        grade(item.source(cset.root), rubric, out, options)
    except IngestError as exc:
        return ItemResult(item.id, "failed", error=f"cannot ingest {item.repo}: {exc}")
    except Exception as exc:  # noqa: BLE001 - one item's crash must not lose the others' reports
        return ItemResult(item.id, "failed", error=f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}")
    if not (out / "report.json").is_file():
        return ItemResult(item.id, "failed", error="the grade wrote no report.json")
    return ItemResult(item.id, "graded", report=f"reports/{item.id}/report.json")


def run_set(cset: CalibrationSet, human_rows, rubric, folder: Path, *, options=None, resume: bool = False,
            progress: Callable[[str], None] | None = None) -> RunSummary:
    """Grade (or reuse) every item, then write judge.csv, human.csv and run.json."""
    folder.mkdir(parents=True, exist_ok=True)
    summary = RunSummary(folder)
    for item in cset.items:
        existing = folder / "reports" / item.id / "report.json"
        if resume and existing.is_file():
            result = ItemResult(item.id, "reused", report=f"reports/{item.id}/report.json")
        elif options is None:
            result = ItemResult(item.id, "failed", error="no report to reuse and no judge options to grade with")
        else:
            result = _grade_item(item, cset, rubric, folder, options)
        summary.items.append(result)
        if progress:
            progress(f"{item.id}: {result.status}" + (f" ({result.error})" if result.error else ""))
    reports = {r.id: folder / r.report for r in summary.items if r.report}
    ex = extract_reports(reports)
    summary.problems = ex.problems
    summary.prompt_versions = sorted(ex.prompt_versions)
    summary.judge_rows = len(ex.rows)
    if ex.rows:
        write_judge_csv(ex.rows, folder / "judge.csv")
    write_human_csv(human_rows, folder / "human.csv")
    _write_manifest(summary, cset, rubric, ex, options)
    return summary


def _write_manifest(summary: RunSummary, cset: CalibrationSet, rubric, ex, options) -> None:
    local = cset.root / cset.rubric_ref
    judge_opts = getattr(options, "judge_options", None)
    manifest = {
        "created_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "set": str(cset.root), "set_name": cset.name, "synthetic": cset.synthetic,
        "rubric": rubric.id, "rubric_path": str(local.resolve()) if local.is_file() else cset.rubric_ref,
        "rubric_version": rubric_version(rubric),
        "judge_models": sorted(ex.models) or list(getattr(judge_opts, "models", []) or []),
        "judge_samples": getattr(judge_opts, "samples", None),
        "prompt_version": summary.prompt_versions[0] if len(summary.prompt_versions) == 1 else None,
        "prompt_versions": summary.prompt_versions,
        "items": {r.id: {"status": r.status, "report": r.report, "error": r.error} for r in summary.items},
        "judge_rows": summary.judge_rows, "unscored_verdicts": ex.unscored, "problems": ex.problems,
    }
    (summary.folder / RUN_FILE).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def read_run(folder: Path) -> dict:
    """run.json of a run folder (RunError if the folder is not a run)."""
    path = Path(folder) / RUN_FILE
    if not path.is_file():
        raise RunError(f"{folder} is not a calibration run: no {RUN_FILE} (make one with `grader calibrate run`)")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise RunError(f"{path}: not valid JSON ({exc})") from None
