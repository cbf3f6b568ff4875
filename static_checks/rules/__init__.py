"""The RubyLLM API rules: every module of this package that defines `RULE` is one rule.

Adding a rule is adding one file: `all_rules()` finds it by importing the package's modules, and the
rule carries its own docs (summary, why, a bad and a good example, the kind of proof). Helpers shared
by several rules live in modules without a `RULE` and in the `model` subpackage.

`run_rules(ctx)` runs every rule over one app root. Rules share one analysis of the root
(receiver types, typed calls) through ctx.cache, so adding a rule adds no tree walk.
A call is judged only when its receiver is known to be a RubyLLM object (static_checks.types);
the proof is always the generated manifest of the release the app locks. When the root runs
ruby_llm from git or a local path, the findings whose proof is absence become unverifiable infos,
in one place (model/unreleased.py).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from static_checks.context import ProjectContext
from static_checks.records import Finding
from static_checks.rules.base import Proof, Rule


@lru_cache(maxsize=1)
def all_rules() -> tuple[Rule, ...]:
    """Every rule of the package, sorted by id."""
    found: dict[str, Rule] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.ispkg:
            continue
        rule = getattr(importlib.import_module(f"{__name__}.{info.name}"), "RULE", None)
        if not isinstance(rule, Rule):
            continue  # a helper module
        if rule.id in found:
            raise RuntimeError(f"two rules share the id {rule.id!r}")
        found[rule.id] = rule
    return tuple(found[i] for i in sorted(found))


def rule_ids() -> list[str]:
    return [r.id for r in all_rules()]


def get_rule(rule_id: str) -> Rule | None:
    return next((r for r in all_rules() if r.id == rule_id), None)


def absence_rule_ids() -> frozenset[str]:
    """Rules whose proof is "no release (or not the locked one) defines X"."""
    return frozenset(r.id for r in all_rules() if r.proof is Proof.absence)


def rule_findings(rule: Rule, ctx: ProjectContext) -> list[Finding]:
    """One rule's whole findings over the root, computed once: a rule that reads another's findings
    (invented-value-use reads unknown-method's and unknown-constant's) reuses them, and run_rules too."""
    return list(_findings_of(rule, ctx))


def _findings_of(rule: Rule, ctx: ProjectContext):
    """The rule's findings as they come (a budget cut keeps those found so far), kept once complete."""
    key = f"findings:{rule.id}"
    found = ctx.cache.get(key)
    if found is not None:
        yield from found  # type: ignore[misc]
        return
    kept = []
    for f in rule.check(ctx):
        kept.append(f)
        yield f
    ctx.cache[key] = kept


def run_rules(ctx: ProjectContext, only: set[str] | None = None, incomplete: list[str] | None = None) -> list[Finding]:
    """Every rule's findings. When the repo's time budget runs out (grader.core.budget), the rule
    running keeps what it found so far and the rest do not run; `incomplete` gets one line naming them."""
    from grader.core.budget import OverBudget, checkpoint
    from static_checks.rules.model.unreleased import for_unreleased_source

    findings: list[Finding] = []
    seen: set[tuple[str, str, int, int]] = set()
    rules = [rule for rule in all_rules() if only is None or rule.id in only]
    for n, rule in enumerate(rules):
        try:
            checkpoint()
            for f in _findings_of(rule, ctx):
                key = (f.rule, f.file, f.line, f.column)
                if key not in seen:
                    seen.add(key)
                    findings.append(f)
        except OverBudget as exc:
            if incomplete is not None:
                cut = ", ".join(r.id for r in rules[n:])
                where = "" if ctx.root.path == "." else f" in {ctx.root.path}"
                incomplete.append(f"rules cut short{where} ({exc}): {cut}")
            break
    return for_unreleased_source(ctx, findings, absence_rule_ids())
