"""Mechanical check of the judge's citations: the file exists in the repo, the range lies inside
it, and the quote occurs in that range once whitespace is normalised. The model's word is never
taken for it."""

from __future__ import annotations

import re

from grader.judge.models import EvidenceCitation
from grader.judge.repo_view import RepoView

_LINE_NUMBER = re.compile(r"^\s*\d+\s*[|:]\s?", re.MULTILINE)  # "  12 | code" copied from our excerpt
# Where a quote may skip text: an ellipsis, or what we masked before sending (a secret, a generator name).
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…|\[masked\]|\*{4}(?:\(\d+ chars\))?)\s*")


def _norm(text: str) -> str:
    return " ".join(text.split())


def verify_citation(view: RepoView, cite: EvidenceCitation) -> EvidenceCitation:
    """A copy of `cite` with `verified` and `problem` set."""
    out = cite.model_copy(update={"verified": False, "problem": None})
    lines = view.lines(cite.file)
    if lines is None:
        out.problem = f"{cite.file}: no such text file in the repository"
        return out
    if cite.start_line < 1 or cite.end_line < cite.start_line or cite.end_line > len(lines):
        out.problem = f"{cite.file}:{cite.start_line}-{cite.end_line} is outside the file (it has {len(lines)} lines)"
        return out
    quote = _norm(_LINE_NUMBER.sub("", cite.quote))
    if not quote:
        out.problem = "empty quote"
        return out
    span = _norm("\n".join(lines[cite.start_line - 1:cite.end_line]))
    # A quote may elide with "..." between verbatim pieces; each piece must occur, in order.
    pieces = [p for p in _ELLIPSIS.split(quote) if p.strip()]
    if sum(len(p) for p in pieces) < 3:
        out.problem = "the quote has no verbatim text to check"
        return out
    pos = 0
    for piece in pieces:
        found = span.find(piece, pos)
        if found < 0:
            out.problem = f"the quote does not occur in {cite.file}:{cite.start_line}-{cite.end_line}"
            return out
        pos = found + len(piece)
    out.verified = True
    return out


def verify_all(view: RepoView, cites: list[EvidenceCitation]) -> tuple[list[EvidenceCitation], list[str]]:
    """Checked citations and the problems found (empty when every citation holds). No citation is a problem."""
    checked = [verify_citation(view, c) for c in cites]
    problems = [c.problem for c in checked if c.problem]
    if not checked:
        problems.append("no evidence cited")
    return checked, problems
