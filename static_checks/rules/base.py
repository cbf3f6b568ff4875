"""What one rule is: an id, a category, a severity, a title, and a check over the project."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import tree_sitter as ts

from static_checks.models import Category, Finding, Severity
from static_checks.parsing import ParsedFile


@dataclass(frozen=True)
class Rule:
    id: str
    category: Category
    severity: Severity
    title: str
    check: Callable[[object], Iterable[Finding]]  # takes the shared Analysis

    def finding(
        self,
        pf: ParsedFile,
        node: ts.Node,
        message: str,
        evidence: str,
        hint: str | None = None,
        severity: Severity | None = None,
        **extra,
    ) -> Finding:
        line = node.start_point[0] + 1
        return Finding(
            rule=self.id,
            category=self.category,
            severity=severity or self.severity,
            file=pf.rel,
            line=line,
            column=node.start_point[1] + 1,
            message=message,
            evidence=evidence,
            hint=hint,
            snippet=pf.line_text(line),
            extra=extra,
        )


def api_rule(id: str, title: str, check, severity: Severity = Severity.error) -> Rule:
    """An api-hallucination rule (rules 1-9): the category every invented-API rule shares."""
    return Rule(id=id, category=Category.api_hallucination, severity=severity, title=title, check=check)


def did_you_mean(name: str, candidates: Iterable[str], n: int = 3) -> str | None:
    """A fix hint naming the closest real names, or None when nothing is close."""
    pool = [c for c in candidates if c and not c.startswith("_")]
    # `api_key` -> every `*_api_key`: a name that is a part of real names points at all of them
    affix = sorted(c for c in pool if c != name and (c.endswith("_" + name) or c.startswith(name + "_")))
    if 1 < len(affix) <= 15:
        return "did you mean one of " + ", ".join(f"`{c}`" for c in affix) + "?"
    close = difflib.get_close_matches(name, pool, n=n, cutoff=0.7)
    if not close:
        return None
    return "did you mean " + " or ".join(f"`{c}`" for c in close) + "?"


def short_list(names: Iterable[str], limit: int = 12) -> str:
    items = sorted(set(names))
    head = ", ".join(items[:limit])
    return head + (f", … ({len(items)} in all)" if len(items) > limit else "")
