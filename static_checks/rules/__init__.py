"""The RubyLLM API rules: a registry of small units, each with an id, a severity and a check.

`run_rules(ctx)` runs every rule over one app root. Rules share one analysis of the root
(receiver types, typed calls) through ctx.cache, so adding a rule adds no tree walk.
A call is judged only when its receiver is known to be a RubyLLM object (static_checks.types);
the proof is always the generated manifest of the release the app locks.

  rubyllm/unknown-constant       1  `RubyLLM::X` no release defines                     error
  rubyllm/unknown-method         2  method no release has, on a typed receiver/module    error
  rubyllm/wrong-arguments        3  Ruby 3 binding fails (keyword, required, arity)      error
  rubyllm/version-mismatch       4  method/constant/option absent in the locked release  warning
  rubyllm/unknown-config-option  5  `config.x =` for an option no release has            error
  rubyllm/tool-execute           6  Tool execute vs declared params, or no execute       error
  rubyllm/schema-dsl             6  Schema subclass using a DSL method that is not there  error
  rubyllm/private-api            7  private/protected call from outside, missing writer  error
  rubyllm/stub-unknown-method    8  test stubs/doubles a method the gem lacks            error
  rubyllm/stub-never-fires       8  stub the code under test cannot reach                warning
  rubyllm/fake-mismatch          9  hand-written fake (or gem rewrite) hiding invented API error
  rubyllm/dynamic-call          10  send/public_send/try with an unresolved name         info
  rubyllm/bypass                11  provider SDK / raw HTTP for a job the locked ruby_llm warning
                                     can do (bypass_capabilities.yaml)

Rule 3 also binds `acts_as_*` macro keywords (the acts_as API in use) and core Enumerable methods
on gem objects (core_signatures.yaml). When the root runs ruby_llm from git or a local path,
run_rules turns the absence findings (ABSENCE_RULES) into unverifiable infos, in one place.
"""

from __future__ import annotations

import re

from static_checks.context import ProjectContext
from static_checks.manifest.versions import is_unreleased_source
from static_checks.models import Category, Finding, Severity, VersionSource
from static_checks.rules import (
    argument_shape,
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
    argument_shape.RULE,
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


# Rules whose proof is "no release (or not the locked one) defines X". Against code from git or a
# local path that proof is void: the checkout may be ahead of every release.
ABSENCE_RULES = frozenset({
    "rubyllm/unknown-constant", "rubyllm/unknown-method", "rubyllm/version-mismatch",
    "rubyllm/unknown-config-option", "rubyllm/stub-unknown-method", "rubyllm/schema-dsl",
    "rubyllm/fake-mismatch",
})


def for_unreleased_source(ctx: ProjectContext, findings: list[Finding]) -> list[Finding]:
    """Absence findings become unverifiable infos when the root runs ruby_llm from git or a path.

    Done once here rather than in each rule; other findings keep their severity and gain the caveat.
    """
    root = ctx.root
    if not is_unreleased_source(root.version_source):
        return findings
    detail = root.version_detail or root.version_source.value
    if root.version_source is VersionSource.not_bundled:
        origin = "RubyLLM from a gem other than ruby_llm (its Gemfile.lock bundles no ruby_llm)"
    else:
        rev = re.search(r"@([0-9a-f]{7,40})", detail)
        at = f" at {rev.group(1)}" if rev else ""
        origin = f"unreleased ruby_llm from {root.version_source.value}{at}"
    short = f"unverifiable: the app uses {origin}; checked against the nearest release {root.ruby_llm_version}"
    caveat = f"ruby_llm comes from {detail}"
    out = []
    for f in findings:
        if f.category is not Category.api_hallucination:
            out.append(f)
        elif f.rule in ABSENCE_RULES:
            out.append(f.model_copy(update={
                "category": Category.unverifiable, "severity": Severity.info,
                "message": f"{f.message} ({short})",
                "evidence": f"{f.evidence}; {caveat}",
            }))
        else:
            out.append(f.model_copy(update={"evidence": f"{f.evidence}; {caveat}"}))
    return out


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
    return for_unreleased_source(ctx, findings)
