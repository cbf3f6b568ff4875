"""Score tables: human scores (`item,dimension,score[,rater][,criterion]`) and judge scores
(`item,dimension,score,model,sample[,criterion]`), read with the line of every row.

A row with an empty criterion scores the whole dimension (0..dimension max); a row with a
criterion scores that rubric judge criterion (0..its points). The column names are a contract
with the service's export: add optional columns, never rename these.
"""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

HUMAN_REQUIRED = ("item", "dimension", "score")
HUMAN_OPTIONAL = ("rater", "criterion", "reason")
JUDGE_COLUMNS = ("item", "dimension", "score", "model", "sample", "criterion")
JUDGE_REQUIRED = ("item", "dimension", "score", "model", "sample")


class ScoreFileError(ValueError):
    """A score file that cannot be used; `problems` are (line, message) pairs."""

    def __init__(self, source: str, problems: list[tuple[int | None, str]]):
        self.source = source
        self.problems = problems
        super().__init__("\n".join(f"{source}:{line or '?'}: {msg}" for line, msg in problems))


@dataclass(frozen=True)
class HumanScore:
    item: str
    dimension: str
    criterion: str | None
    score: float
    rater: str
    line: int
    reason: str = ""

    @property
    def key(self) -> tuple[str, str, str | None]:
        return (self.item, self.dimension, self.criterion)


@dataclass(frozen=True)
class JudgeScore:
    item: str
    dimension: str
    criterion: str | None
    score: float
    model: str
    sample: int
    line: int = 0

    @property
    def key(self) -> tuple[str, str, str | None]:
        return (self.item, self.dimension, self.criterion)


def _open_rows(path: Path, required: tuple[str, ...], known: tuple[str, ...]):
    try:
        text = path.read_text(encoding="utf-8-sig")  # spreadsheets add a BOM
    except FileNotFoundError:
        raise ScoreFileError(str(path), [(None, "file not found")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScoreFileError(str(path), [(None, f"cannot read: {exc}")]) from None
    reader = csv.DictReader(text.splitlines())
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in required if c not in header]
    if missing:
        raise ScoreFileError(str(path), [(1, f"missing column(s) {', '.join(missing)}; the header must start "
                                             f"with {','.join(required)} (found: {','.join(header) or 'nothing'})")])
    unknown = [c for c in header if c not in known]
    reader.fieldnames = header
    return reader, unknown


def _cell(raw: str | None) -> str:
    """A cell as the user meant it: the service's export prefixes a quote to cells a spreadsheet would
    run as a formula (=, +, -, @); that quote is not part of the item id or rater name."""
    text = (raw or "").strip()
    return text[1:] if len(text) > 1 and text[0] == "'" and text[1] in "=+-@" else text


def _score(raw: str | None) -> float | None:
    try:
        value = float((raw or "").strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def read_human_csv(path: str | Path) -> list[HumanScore]:
    """Human scores. Raises ScoreFileError naming the line of every malformed row."""
    path = Path(path)
    reader, unknown = _open_rows(path, HUMAN_REQUIRED, HUMAN_REQUIRED + HUMAN_OPTIONAL)
    problems: list[tuple[int | None, str]] = []
    if unknown:
        known = ", ".join(HUMAN_REQUIRED + HUMAN_OPTIONAL)
        problems.append((1, f"unknown column(s) {', '.join(unknown)} (known: {known})"))
    rows: list[HumanScore] = []
    seen: dict[tuple, int] = {}
    for row in reader:
        line = reader.line_num
        item = _cell(row.get("item"))
        dim = (row.get("dimension") or "").strip()
        score = _score(row.get("score"))
        if not item or not dim:
            problems.append((line, "item and dimension must not be empty"))
            continue
        if score is None:
            problems.append((line, f"score {row.get('score')!r} is not a number"))
            continue
        if score < 0:
            problems.append((line, f"score {score:g} is negative"))
            continue
        rater = _cell(row.get("rater"))
        crit = (row.get("criterion") or "").strip() or None
        key = (item, dim, crit, rater)
        if key in seen:
            who = f"rater {rater!r}" if rater else "the same (unnamed) rater"
            problems.append((line, f"{item}/{crit or dim} scored twice by {who} (first on line {seen[key]})"))
            continue
        seen[key] = line
        rows.append(HumanScore(item, dim, crit, score, rater, line, (row.get("reason") or "").strip()))
    if problems:
        raise ScoreFileError(str(path), problems)
    if not rows:
        raise ScoreFileError(str(path), [(None, "no score rows")])
    return rows


def read_judge_csv(path: str | Path) -> list[JudgeScore]:
    path = Path(path)
    reader, _unknown = _open_rows(path, JUDGE_REQUIRED, JUDGE_COLUMNS)
    problems: list[tuple[int | None, str]] = []
    rows: list[JudgeScore] = []
    for row in reader:
        line = reader.line_num
        item = (row.get("item") or "").strip()
        dim = (row.get("dimension") or "").strip()
        model = (row.get("model") or "").strip()
        score = _score(row.get("score"))
        try:
            sample = int((row.get("sample") or "0").strip() or 0)
        except ValueError:
            problems.append((line, f"sample {row.get('sample')!r} is not an integer"))
            continue
        if not item or not dim or not model:
            problems.append((line, "item, dimension and model must not be empty"))
            continue
        if score is None:
            problems.append((line, f"score {row.get('score')!r} is not a number"))
            continue
        crit = (row.get("criterion") or "").strip() or None
        rows.append(JudgeScore(item, dim, crit, score, model, sample, line))
    if problems:
        raise ScoreFileError(str(path), problems)
    if not rows:
        raise ScoreFileError(str(path), [(None, "no score rows")])
    return rows


def write_judge_csv(rows: list[JudgeScore], path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(JUDGE_COLUMNS)
        for r in sorted(rows, key=lambda r: (r.item, r.dimension, r.criterion or "", r.model, r.sample)):
            writer.writerow([r.item, r.dimension, f"{r.score:g}", r.model, r.sample, r.criterion or ""])
    return path


def write_human_csv(rows: list[HumanScore], path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with_reason = any(r.reason for r in rows)
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["item", "dimension", "score", "rater", "criterion"] + (["reason"] if with_reason else []))
        for r in rows:
            writer.writerow([r.item, r.dimension, f"{r.score:g}", r.rater, r.criterion or ""]
                            + ([r.reason] if with_reason else []))
    return path
