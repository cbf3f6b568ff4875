"""Check a self-review against facts: each PASS claim is contradicted, supported or unverifiable.

The result is a handful of selfreview.* facts that the v2 rubric scores with its anchors
(no file, invented numbering, over-claims, fabricated citations, honest confessions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from grader.core.facts import Evidence, Fact
from grader.core.repo import SkipKind, RepoReader, normalize_rel
from grader.rubric.predicates import Truth
from grader.rubric.schema import GoalCheck
from grader.scoring.factset import FactSet
from grader.selfreview.parser import ReviewRow, SelfReview

RULE = "selfreview"
ClaimStatus = Literal["contradicted", "supported", "unverifiable", "not_a_claim"]

# file.ext[:line] citations; also the extension-less files every Rails repo has. The name ends
# where the extension ends (`package.json` is not `package.js`).
_CITATION = re.compile(
    r"(?<![\w/.:-])((?:[\w.-]+/)*(?:[\w.-]+\.(?:rb|erb|yml|yaml|js|ts|json|rake|ru|lock|css|html|md|sh)"
    r"|Dockerfile|Gemfile|Rakefile|Procfile)(?!\.?\w))(?::(\d+)(?:-\d+)?)?"
)
_COUNT_LIMIT = 2_000_000  # lines of a bigger file are not counted: its citations cannot be refuted
_WALK_SKIP = {".git", "node_modules", "vendor", "tmp", "log", "coverage", ".bundle"}
# Folders written by running the app or its tests (SimpleCov's coverage/index.html, logs) or
# installed dependencies: a citation into them is not checkable against the repo, never fabricated.
_GENERATED = _WALK_SKIP - {".git"}


@dataclass
class Claim:
    row: ReviewRow
    goal: str | None  # the brief goal this row is about (after mapping)
    status: ClaimStatus
    facts: list[Fact] = field(default_factory=list)  # facts that decided it


@dataclass
class Citation:
    line: int  # line of the review row
    text: str
    exists: bool


@dataclass
class Fidelity:
    review: SelfReview
    claims: list[Claim]
    invented_numbering: bool
    invented_reasons: list[str]
    citations: list[Citation]

    def count(self, status: ClaimStatus) -> int:
        return sum(1 for c in self.claims if c.status == status)


def _keyword_hits(label: str, goal: GoalCheck) -> int:
    low = label.lower()
    return sum(1 for k in goal.keywords if re.search(r"(?<![a-z])" + re.escape(k.lower()), low))


def _best_goal(label: str, goals: list[GoalCheck]) -> str | None:
    scored = sorted(((_keyword_hits(label, g), g.id) for g in goals), reverse=True)
    if scored and scored[0][0] > 0 and (len(scored) == 1 or scored[0][0] > scored[1][0]):
        return scored[0][1]
    return None


def _numbering(review: SelfReview, goals: list[GoalCheck]) -> tuple[bool, list[str]]:
    """Does the table number goals its own way? Reasons say why, for the report."""
    known = {g.id: g for g in goals}
    reasons: list[str] = []
    rows = review.rows
    if not rows:
        return False, reasons
    out_of_range = [r for r in rows if r.number is not None and f"G{r.number}" not in known]
    if out_of_range:
        reasons.append("goal numbers outside G1-G%d: %s (lines %s)" % (
            len(goals), ", ".join(sorted({str(r.goal or r.number) for r in out_of_range})),
            ", ".join(str(r.line) for r in out_of_range)))
    if not any(r.goal in known for r in rows):
        reasons.append("no row names a goal as G1-G%d" % len(goals))
    mismatched = []
    labelled = [r for r in rows if r.goal in known and r.label]
    for r in labelled:
        own = _keyword_hits(r.label, known[r.goal])  # type: ignore[index]
        other = _best_goal(r.label, goals)
        if own == 0 and other is not None and other != r.goal:
            mismatched.append(f"{r.goal} '{r.label[:40]}' reads like {other} (line {r.line})")
    if len(mismatched) >= 3 or (len(labelled) >= 4 and len(mismatched) * 3 >= len(labelled)):
        reasons.append("goal labels do not match the brief's goals: " + "; ".join(mismatched[:5]))
    return bool(reasons), reasons


def _map_goal(row: ReviewRow, goals: list[GoalCheck], invented: bool) -> str | None:
    known = {g.id for g in goals}
    if not invented and row.goal in known:
        return row.goal
    # Invented or missing numbering: map by what the row talks about, when that is unambiguous.
    return _best_goal(row.label + " " + row.evidence, goals) if row.label or row.evidence else None


def _judge_claim(goal: GoalCheck | None, facts: FactSet, static_known: bool) -> tuple[ClaimStatus, list[Fact]]:
    if goal is None or not static_known:
        return "unverifiable", []
    if goal.contradicted_when is not None:
        truth, used = goal.contradicted_when.evaluate(facts)
        if truth is Truth.true:
            return "contradicted", used
    if goal.supported_when is not None:
        truth, used = goal.supported_when.evaluate(facts)
        if truth is Truth.true:
            return "supported", used
    return "unverifiable", []


class _RepoFiles:
    """Lazy index of the repo's files for checking citations: read through the repo reader, so a
    citation resolves inside the repository only (no `..`, no links followed)."""

    def __init__(self, repo: Path):
        self.reader = RepoReader(repo)
        self._names: dict[str, list[str]] | None = None

    def by_name(self) -> dict[str, list[str]]:
        if self._names is None:
            self._names = {}
            for f in self.reader.files(skip_dirs=frozenset(_WALK_SKIP)):
                self._names.setdefault(f.name, []).append(f.rel)
        return self._names

    def resolve(self, cited: str) -> str | None:
        """The repo-relative file a citation names, or None. `..` is refused on the string."""
        while cited.startswith("./"):
            cited = cited[2:]
        rel = normalize_rel(cited)
        if rel is None or rel == "." or ".." in cited.split("/"):
            return None
        if self.reader.is_file(rel):
            return rel
        # The review may cite paths relative to a nested app folder: match by path suffix.
        for found in self.by_name().get(rel.rsplit("/", 1)[-1], []):
            if found == rel or found.endswith("/" + rel):
                return found
        return None

    def has_line(self, rel: str, line: int) -> bool:
        got = self.reader.read(rel, limit=_COUNT_LIMIT, allow_binary=True)
        if got.data is None:
            return got.skip is not None and got.skip.kind is SkipKind.too_large
        data = got.data
        count = data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
        return 1 <= line <= count


def check_citations(review: SelfReview, repo: Path) -> list[Citation]:
    files = _RepoFiles(repo)
    out: list[Citation] = []
    for row in review.rows:
        for m in _CITATION.finditer(row.evidence):
            if "://" in row.evidence[max(0, m.start() - 12): m.start()]:
                continue  # part of a URL
            cited, line = m.group(1), m.group(2)
            if _GENERATED & set(cited.split("/")[:-1]):
                continue
            rel = files.resolve(cited)
            exists = rel is not None and (line is None or files.has_line(rel, int(line)))
            out.append(Citation(row.line, m.group(0), exists))
    return out


def assess(review: SelfReview, goals: list[GoalCheck], facts: FactSet, repo: Path) -> Fidelity:
    static_known = "static" not in facts.missing_stages
    invented, reasons = _numbering(review, goals)
    by_id = {g.id: g for g in goals}
    claims = []
    for row in review.rows:
        goal_id = _map_goal(row, goals, invented)
        if row.verdict != "PASS":
            claims.append(Claim(row, goal_id, "not_a_claim"))
            continue
        status, used = _judge_claim(by_id.get(goal_id) if goal_id else None, facts, static_known)
        claims.append(Claim(row, goal_id, status, used))
    citations = check_citations(review, repo) if review.present else []
    return Fidelity(review, claims, invented, reasons, citations)


def _ev(review: SelfReview, line: int, snippet: str | None = None) -> Evidence:
    return Evidence(file=review.path or "SELF_REVIEW.md", line=line, snippet=snippet)


def fidelity_facts(fid: Fidelity, static_known: bool = True) -> list[Fact]:
    """The selfreview.* facts the v2 rubric reads."""
    review = fid.review
    if not review.present:
        note = "no SELF_REVIEW.md in the repository"
        return [Fact(id="selfreview.present", value=False, rule=RULE, note=note)] + [
            Fact(id=i, value=0 if i != "selfreview.invented_numbering" else False, rule=RULE, note=note)
            for i in ("selfreview.invented_numbering", "selfreview.contradicted_claims", "selfreview.supported_claims",
                      "selfreview.unverifiable_claims", "selfreview.confessions", "selfreview.fabricated_citations",
                      "selfreview.rows", "selfreview.malformed_rows")
        ]

    def rows_ev(claims: list[Claim]) -> list[Evidence]:
        out = []
        for c in claims:
            out.append(_ev(review, c.row.line, c.row.raw[:200]))
            for f in c.facts:
                out.extend(f.evidence[:2])
        return out

    contradicted = [c for c in fid.claims if c.status == "contradicted"]
    supported = [c for c in fid.claims if c.status == "supported"]
    unverifiable = [c for c in fid.claims if c.status == "unverifiable"]
    confessions = [c for c in fid.claims if c.row.verdict in ("PARTIAL", "FAIL")]
    admitted = review.known_defects
    fabricated = [c for c in fid.citations if not c.exists]
    facts = [
        Fact(id="selfreview.present", value=True, rule=RULE, evidence=[_ev(review, 1)]),
        Fact(id="selfreview.rows", value=len(review.rows), rule=RULE),
        Fact(id="selfreview.malformed_rows", value=len(review.malformed), rule=RULE,
             evidence=[_ev(review, m.line, m.problem) for m in review.malformed]),
        Fact(id="selfreview.invented_numbering", value=fid.invented_numbering, rule=RULE,
             note="; ".join(fid.invented_reasons) or None,
             evidence=[_ev(review, r.line, r.raw[:200]) for r in review.rows[:3]] if fid.invented_numbering else []),
        Fact(id="selfreview.contradicted_claims", value=len(contradicted) if static_known else None, rule=RULE,
             evidence=rows_ev(contradicted),
             note=None if static_known else "static facts unavailable: claims cannot be checked"),
        Fact(id="selfreview.supported_claims", value=len(supported) if static_known else None, rule=RULE,
             evidence=rows_ev(supported)),
        Fact(id="selfreview.unverifiable_claims", value=len(unverifiable), rule=RULE, evidence=rows_ev(unverifiable),
             note=", ".join(sorted({c.goal or c.row.label[:30] for c in unverifiable})) or None),
        Fact(id="selfreview.confessions", value=len(confessions) + len(admitted), rule=RULE,
             evidence=rows_ev(confessions) + [_ev(review, line, text) for line, text in admitted[:5]]),
        Fact(id="selfreview.fabricated_citations", value=len(fabricated), rule=RULE,
             evidence=[_ev(review, c.line, f"cites {c.text}, which is not in the repository") for c in fabricated]),
    ]
    return facts
