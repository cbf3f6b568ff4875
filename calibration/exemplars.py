"""Anchored exemplars: a few human-scored excerpts for one criterion, to put in the judge's prompt.

Exemplars help the judge spread its scores, but their choice adds bias: they are balanced across
score levels (one per level, the extremes first), shown in a seeded shuffled order (no systematic
"highest last" recency pull), and NEVER taken from the item being graded (matched by set item id
and by the resolved repository path). Excerpts are read through the safe repo reader, capped, and
redacted like every report snippet.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass
from pathlib import Path

from calibration.scores import HumanScore
from calibration.sets import CalibrationSet, SetItem

MAX_LINES = 40
MAX_CHARS = 2400


@dataclass(frozen=True)
class Exemplar:
    item: str
    criterion: str
    score: float  # mean of the human raters
    max: float
    reason: str
    file: str
    start_line: int
    end_line: int
    excerpt: str  # numbered lines, redacted

    def as_dict(self) -> dict:
        return asdict(self)


def _excerpt_text(root: Path, file: str, start: int, end: int) -> str | None:
    from grader.core.repo import RepoReader
    from grader.report.redact import redact

    got = RepoReader(root).read(file)
    text = got.text()
    if text is None:
        return None
    lines = text.splitlines()[start - 1:min(end, start - 1 + MAX_LINES)]
    if not lines:
        return None
    numbered = "\n".join(f"{start + k:>4}  {line}" for k, line in enumerate(lines))
    return redact(numbered[:MAX_CHARS], file)


def _same_repo(item: SetItem, cset: CalibrationSet, graded: str | Path | None) -> bool:
    if graded is None:
        return False
    try:
        return Path(item.source(cset.root)).resolve() == Path(graded).resolve()
    except (OSError, ValueError):
        return str(graded) == item.repo


def _candidates(cset: CalibrationSet, rows: list[HumanScore], criterion: str, top: float,
                exclude_item: str | None, exclude_repo: str | Path | None) -> list[Exemplar]:
    scores: dict[str, list[HumanScore]] = {}
    for r in rows:
        if r.criterion == criterion:
            scores.setdefault(r.item, []).append(r)
    out = []
    for item in cset.items:
        if item.id == exclude_item or _same_repo(item, cset, exclude_repo) or item.id not in scores:
            continue
        for ex in item.excerpts:
            if ex.criterion != criterion:
                continue
            text = _excerpt_text(Path(item.source(cset.root)), ex.file, ex.start_line, ex.end_line)
            if text is None:
                continue
            rated = scores[item.id]
            reason = next((r.reason for r in rated if r.reason), "")
            mean = sum(r.score for r in rated) / len(rated)
            out.append(Exemplar(item.id, criterion, round(mean, 3), top, reason, ex.file, ex.start_line,
                                min(ex.end_line, ex.start_line + MAX_LINES - 1), text))
            break  # one excerpt per item
    return out


def _balanced(cands: list[Exemplar], limit: int) -> list[Exemplar]:
    """One exemplar per score level, chosen from the extremes inwards (0, max, then the middle)."""
    by_level: dict[float, list[Exemplar]] = {}
    for c in sorted(cands, key=lambda c: c.item):
        by_level.setdefault(round(c.score), []).append(c)
    levels = sorted(by_level)
    order: list[float] = []
    lo, hi = 0, len(levels) - 1
    while lo <= hi:
        order.append(levels[lo])
        if hi != lo:
            order.append(levels[hi])
        lo, hi = lo + 1, hi - 1
    return [by_level[level][0] for level in order[:limit]]


def build_exemplars(cset: CalibrationSet, rows: list[HumanScore], rubric, criterion: str, *,
                    exclude_item: str | None = None, exclude_repo: str | Path | None = None,
                    limit: int = 3, seed: int = 0) -> list[Exemplar]:
    """Up to `limit` exemplars for `criterion` (a rubric judge criterion id), never from the graded
    item. Empty when the set has no excerpt for it."""
    top = next((c.points for c in rubric.judge_criteria if c.id == criterion), None)
    if top is None:
        raise ValueError(f"unknown criterion {criterion!r} for rubric {rubric.id}")
    chosen = _balanced(_candidates(cset, rows, criterion, top, exclude_item, exclude_repo), limit)
    random.Random(f"{seed}:{criterion}").shuffle(chosen)
    return chosen


def exemplars_by_criterion(set_path: str | Path, rubric, *, exclude_repo: str | Path | None = None,
                           limit: int = 3) -> dict[str, list[dict]]:
    """{criterion id: [exemplar dict, ...]} for every criterion of `rubric` the set has excerpts for:
    the shape a judge prompt template can loop over."""
    from calibration.sets import validate_set

    cset, rows, _ = validate_set(set_path)
    if cset.rubric().id != rubric.id:
        raise ValueError(f"exemplar set {cset.name} is scored on rubric {cset.rubric().id}, not {rubric.id}")
    out = {}
    for crit in rubric.judge_criteria:
        got = build_exemplars(cset, rows, rubric, crit.id, exclude_repo=exclude_repo, limit=limit)
        if got:
            out[crit.id] = [e.as_dict() for e in got]
    return out
