"""Tolerant reader of SELF_REVIEW.md goal tables.

Seen in the wild: `| Goal | Verdict | Evidence |`, the same with a description column, goal
cells such as `G4 — TRUE token streaming`, emoji verdicts, rows with missing cells, reviews
that number their own goals, and no file at all. Nothing here trusts the file's text: it is
only data to be checked against facts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from grader.core.repo import RepoReader, decode_text, display_name

MAX_BYTES = 512_000

_GOAL_ID = re.compile(r"\bG\s*-?\s*(\d{1,3})\b", re.IGNORECASE)
_BARE_NUM = re.compile(r"^\s*(?:goal\s*)?#?\s*(\d{1,3})\s*[.):—–-]?\s*(.*)$", re.IGNORECASE)
_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
# Verdict words, strongest first; emoji forms map to the same verdicts.
_VERDICTS = (
    ("PARTIAL", re.compile(r"\bpartial(ly)?\b|⚠|🟡|\bmostly\b", re.IGNORECASE)),
    ("FAIL", re.compile(r"\bfail(ed|s)?\b|❌|✗|🔴|\bnot met\b|\bmissing\b", re.IGNORECASE)),
    ("PASS", re.compile(r"\bpass(ed|es)?\b|✅|✔|🟢|\bmet\b|\bdone\b|\byes\b", re.IGNORECASE)),
)
_HEADER_GOAL = re.compile(r"goal", re.IGNORECASE)
_HEADER_GOAL_FALLBACK = re.compile(r"^#$|^id$|requirement|item", re.IGNORECASE)
_HEADER_VERDICT = re.compile(r"verdict|status|result|pass|grade|outcome", re.IGNORECASE)
_HEADER_EVIDENCE = re.compile(r"evidence|proof|notes?|details?|justification|where", re.IGNORECASE)
_HEADER_DESC = re.compile(r"description|title|name|what|summary", re.IGNORECASE)


@dataclass
class ReviewRow:
    line: int
    goal: str | None  # "G4" when the row names a goal number
    number: int | None
    label: str  # the goal cell and description, without the id
    verdict: str | None  # PASS | PARTIAL | FAIL | None when unreadable
    evidence: str
    raw: str


@dataclass
class MalformedRow:
    line: int
    raw: str
    problem: str


@dataclass
class SelfReview:
    path: str | None  # relative to the repo; None when there is no file
    rows: list[ReviewRow] = field(default_factory=list)
    malformed: list[MalformedRow] = field(default_factory=list)
    problem: str | None = None  # unreadable file etc.
    known_defects: list[tuple[int, str]] = field(default_factory=list)  # (line, text) under a "Known defects" heading

    @property
    def present(self) -> bool:
        return self.path is not None


def _find_rel(reader: RepoReader) -> str | None:
    folders = ["."] + [e.rel for e in reader.list_dir() if e.is_dir and not e.is_link and not e.name.startswith(".")]
    for folder in folders:
        for entry in reader.list_dir(folder):
            if entry.is_file and entry.name.lower().replace("-", "_") == "self_review.md":
                return entry.rel
    return None


def find_self_review(repo: Path) -> Path | None:
    """SELF_REVIEW.md at the repo root or one folder down (nested apps), any common spelling.
    Regular files only: a link, FIFO or folder of that name is not a review."""
    reader = RepoReader(repo)
    rel = _find_rel(reader)
    return None if rel is None else reader.root / rel


def _cells(line: str) -> list[str]:
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|"):
        body = body[:-1]
    # `\|` inside a cell is a literal bar.
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", body)]


def verdict_of(text: str) -> str | None:
    """The verdict named first in the cell ("PASS (mostly)" is a PASS, "⚠️ PARTIAL" a PARTIAL)."""
    cleaned = re.sub(r"[*_`]", "", text)
    hits = [(m.start(), name) for name, pattern in _VERDICTS if (m := pattern.search(cleaned))]
    return min(hits)[1] if hits else None


@dataclass
class _Columns:
    goal: int
    verdict: int
    evidence: int | None
    description: int | None


def _columns(header: list[str]) -> _Columns | None:
    def find(pattern: re.Pattern, exclude: set[int]) -> int | None:
        for i, h in enumerate(header):
            if i not in exclude and pattern.search(re.sub(r"[*_`]", "", h)):
                return i
        return None

    goal = find(_HEADER_GOAL, set())
    if goal is None:
        goal = find(_HEADER_GOAL_FALLBACK, set())
    verdict = find(_HEADER_VERDICT, {goal} if goal is not None else set())
    if goal is None or verdict is None:
        return None
    evidence = find(_HEADER_EVIDENCE, {goal, verdict})
    desc = find(_HEADER_DESC, {goal, verdict} | ({evidence} if evidence is not None else set()))
    return _Columns(goal, verdict, evidence, desc)


def _goal_of(cell: str) -> tuple[str | None, int | None, str]:
    text = re.sub(r"[*_`]", "", cell).strip()
    m = _GOAL_ID.search(text)
    if m:
        n = int(m.group(1))
        label = (text[: m.start()] + text[m.end():]).strip(" .:—–-|")
        return f"G{n}", n, label
    m = _BARE_NUM.match(text)
    if m and m.group(1):
        return None, int(m.group(1)), m.group(2).strip()
    return None, None, text


def _merged_goal_and_verdict(cells: list[str], cols: _Columns, width: int):
    """`| G8  PASS | evidence |`: a row one cell short whose goal cell also holds the verdict
    (a missing bar). Read it as goal + verdict, the rest as evidence; None if it is not that."""
    if len(cells) != width - 1 or cols.goal >= cols.verdict:
        return None
    verdict = verdict_of(cells[cols.goal])
    goal, number, _ = _goal_of(cells[cols.goal])
    if verdict is None or goal is None:
        return None
    label = re.sub(r"(?i)\b(pass|partial|fail)\b|[✅❌⚠️*]", "", _goal_of(cells[cols.goal])[2]).strip()
    evidence = " | ".join(cells[cols.goal + 1:])
    return goal, number, label, verdict, evidence


def _read_row(cells: list[str], cols: _Columns, width: int):
    """(goal, number, label, verdict, evidence) or a string saying why the row is unreadable."""
    if len(cells) < max(cols.goal, cols.verdict) + 1:
        return _merged_goal_and_verdict(cells, cols, width) or f"{len(cells)} cells where the header has {width}"
    verdict = verdict_of(cells[cols.verdict])
    if verdict is None:
        merged = _merged_goal_and_verdict(cells, cols, width)
        return merged or f"no PASS/PARTIAL/FAIL verdict in {cells[cols.verdict]!r}"
    goal, number, label = _goal_of(cells[cols.goal])
    if goal is None:
        # `| ID | Goal (short) | Verdict |`: the id may sit in another cell before the verdict.
        for i in range(min(cols.verdict, len(cells))):
            if i != cols.goal and (found := _goal_of(cells[i]))[0] is not None:
                goal, number = found[0], found[1]
                label = (found[2] + " " + label).strip()
                break
    if cols.description is not None and cols.description < len(cells):
        label = (label + " " + cells[cols.description]).strip()
    evidence = " | ".join(c for i, c in enumerate(cells) if i not in (cols.goal, cols.verdict, cols.description))
    if cols.evidence is not None and cols.evidence < len(cells):
        evidence = cells[cols.evidence]
    if goal is None and number is None and not label:
        return "no goal in the goal cell"
    return goal, number, label, verdict, evidence


_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*)$")
_DEFECTS_HEADING = re.compile(r"known\s+(?:defects|issues|bugs|problems|limitations|gaps)|^limitations\b|^defects\b",
                              re.IGNORECASE)
_NOTHING = re.compile(r"^(?:none|n/?a|nothing|no known \w+|-)\W*$", re.IGNORECASE)
_ITEM_MARK = re.compile(r"^(?:[-*+]|\d+[.)])\s+")


def known_defects(lines: list[str]) -> list[tuple[int, str]]:
    """Items under a "Known defects" (issues, limitations...) heading, up to the next heading; a
    section that says "None." has none. Admitting a defect there is an honest confession too."""
    out: list[tuple[int, str]] = []
    inside = False
    for n, line in enumerate(lines, 1):
        heading = _HEADING.match(line)
        if heading:
            inside = bool(_DEFECTS_HEADING.search(heading.group(1).strip(" *_#:")))
            continue
        item = _ITEM_MARK.sub("", line.strip()).strip()
        if inside and item and not item.startswith(("<!--", "|--", "|-")) and not _NOTHING.match(item.strip("*_` ")):
            out.append((n, item[:300]))
    return out


def parse_self_review_text(text: str, rel: str = "SELF_REVIEW.md") -> SelfReview:
    review = SelfReview(path=rel)
    lines = text.splitlines()
    review.known_defects = known_defects(lines)
    cols: _Columns | None = None
    width = 0
    for idx, line in enumerate(lines):
        lineno = idx + 1
        stripped = line.strip()
        if not stripped.startswith("|"):
            if stripped and cols is not None and not stripped.startswith("<!--"):
                cols = None  # a table ends at the first non-table line
            continue
        if _SEPARATOR.match(stripped):
            continue
        cells = _cells(stripped)
        nxt = lines[idx + 1].strip() if idx + 1 < len(lines) else ""
        if _SEPARATOR.match(nxt):  # a header row
            cols = _columns(cells)
            width = len(cells)
            continue
        if cols is None:
            continue
        row = _read_row(cells, cols, width)
        if isinstance(row, str):
            review.malformed.append(MalformedRow(lineno, stripped, row))
            continue
        goal, number, label, verdict, evidence = row
        review.rows.append(ReviewRow(lineno, goal, number, label, verdict, evidence, stripped))
    return review


def read_self_review(repo: Path) -> SelfReview:
    reader = RepoReader(repo)
    rel = _find_rel(reader)
    if rel is None:
        return SelfReview(path=None)
    shown = display_name(rel)
    got = reader.read(rel, limit=MAX_BYTES, truncate=True, allow_binary=True)  # the head of a huge file
    if got.data is None:
        return SelfReview(path=shown, problem=got.skip.reason if got.skip else "unreadable")
    return parse_self_review_text(decode_text(got.data), shown)
