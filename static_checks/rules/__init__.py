"""The RubyLLM API rules: a registry of small units, each with an id, a severity and a check.

`run_rules(ctx)` runs every rule over one app root. Rules share one analysis of the root
(receiver types, typed calls) through ctx.cache, so adding a rule adds no tree walk.
"""

from __future__ import annotations

from static_checks.context import ProjectContext
from static_checks.models import Finding
from static_checks.rules import (
    bypass,
    dynamic_call,
    fake_mismatch,
    private_api,
    schema_dsl,
    stub_never_fires,
    stub_unknown,
    tool_execute,
    unknown_config_option,
    unknown_constant,
    unknown_method,
    version_mismatch,
    wrong_arguments,
)
from static_checks.rules.base import Rule

REGISTRY: tuple[Rule, ...] = (
    unknown_constant.RULE,
    unknown_method.RULE,
    wrong_arguments.RULE,
    version_mismatch.RULE,
    unknown_config_option.RULE,
    tool_execute.RULE,
    schema_dsl.RULE,
    private_api.RULE,
    stub_unknown.RULE,
    stub_never_fires.RULE,
    fake_mismatch.RULE,
    dynamic_call.RULE,
    bypass.RULE,
)


def rule_ids() -> list[str]:
    return [r.id for r in REGISTRY]


def run_rules(ctx: ProjectContext, only: set[str] | None = None) -> list[Finding]:
    findings: list[Finding] = []
    seen: set[tuple[str, str, int, int]] = set()
    for rule in REGISTRY:
        if only is not None and rule.id not in only:
            continue
        for f in rule.check(ctx):
            key = (f.rule, f.file, f.line, f.column)
            if key not in seen:
                seen.add(key)
                findings.append(f)
    return findings
