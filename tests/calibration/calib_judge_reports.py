"""Helpers: report.json files whose judge section follows grader.judge.models (the contract)."""

import json
from pathlib import Path

from grader.judge.models import JudgeReport, Verdict


def verdict(criterion, dimension, samples, model="openai/judge-a", status="scored", top=5.0):
    import statistics

    score = statistics.median(samples) if samples and status in ("scored", "unstable") else None
    return Verdict(criterion=criterion, dimension=dimension, model=model, status=status, score=score,
                   max=top, samples=list(samples), spread=(max(samples) - min(samples)) if samples else None)


def write_report(folder: Path, item: str, verdicts, prompt_version="tpl-abc123", rubric="rails-rubyllm-v1") -> Path:
    judge = JudgeReport(status="ok", models=sorted({v.model for v in verdicts}), prompt_version=prompt_version,
                        samples=3, verdicts=verdicts)
    path = folder / item / "report.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"rubric": rubric, "total": 0, "judge": judge.model_dump(mode="json")}))
    return path
