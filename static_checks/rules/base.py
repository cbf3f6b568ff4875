"""What one rule is: its id, category, severity, the docs a reader needs, and a check over the project.

The docs live on the rule itself (summary, why, a bad and a good Ruby example, the kind of proof),
so `grader rules`, `static-checks --list-rules` and SARIF `help` all read the same text.
"""

from __future__ import annotations

import difflib
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum

import tree_sitter as ts

from static_checks.records import Category, Finding, Severity
from static_checks.parsing import ParsedFile


class Proof(str, Enum):
    """What a finding of the rule rests on."""

    absence = "absence"  # no release (or not the locked one) defines the name: void for git/path sources
    signature = "signature"  # the manifest's parameters of the method (core_signatures.yaml for Ruby core)
    visibility = "visibility"  # the manifest's private/protected marks
    shape_table = "shape-table"  # argument_shapes.yaml: shapes the gem's source rejects
    app_code = "app-code"  # the app's own declarations and call sites, read against the manifest
    capability_table = "capability-table"  # bypass_capabilities.yaml: what the locked release can do
    none = "none"  # nothing can be proven statically: reported as unverifiable
    text_pattern = "text-pattern"  # phrases of the repo's own text (static_checks/text_rules)

    @property
    def meaning(self) -> str:
        return _PROOF_MEANING[self]


_PROOF_MEANING = {
    Proof.absence: "no release of the gem (or not the locked one) defines the name, per the generated manifests",
    Proof.signature: "the method's parameters in the manifest of the locked release (Ruby core: core_signatures.yaml)",
    Proof.visibility: "the private/protected marks in the manifest of the locked release",
    Proof.shape_table: "argument shapes the gem's source rejects (argument_shapes.yaml)",
    Proof.app_code: "the app's own declarations and call sites, read against the manifest",
    Proof.capability_table: "what the locked release can do (bypass_capabilities.yaml)",
    Proof.none: "nothing: the call cannot be verified statically",
    Proof.text_pattern: "the repository's own words (prose, comments, hidden comments), read against a table of "
                        "phrases that address a grader",
}


@dataclass(frozen=True)
class Rule:
    id: str
    summary: str  # one line: what it reports
    why: str  # why it matters to a grader
    bad: str  # Ruby the rule reports
    good: str  # the fixed Ruby, which it does not report
    proof: Proof
    check: Callable[[object], Iterable[Finding]]  # takes the ProjectContext of one app root
    category: Category = Category.api_hallucination
    severity: Severity = Severity.error

    def __post_init__(self) -> None:
        # the examples are written indented inside the rule modules; store them flush left
        object.__setattr__(self, "bad", textwrap.dedent(self.bad).strip("\n"))
        object.__setattr__(self, "good", textwrap.dedent(self.good).strip("\n"))

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
