"""Rule 6b: a RubyLLM::Schema subclass using a DSL method the schema gem does not have."""

from __future__ import annotations

from static_checks.models import Category, Severity
from static_checks.rules.analysis import analysis, missing_calls
from static_checks.rules.base import Rule, did_you_mean, short_list


def check(ctx):
    an = analysis(ctx)
    for miss in missing_calls(an):
        if miss.kind != "schema-dsl" or miss.versions:
            continue
        tc = miss.tc
        names = an.public_names(tc.rtype)
        yield RULE.finding(
            tc.pf,
            tc.method_node,
            f"schema `{tc.rtype.app_class}` uses `{tc.name}`, which is not a RubyLLM::Schema DSL method",
            f"RubyLLM::Schema (ruby_llm-schema {an.index.schema_version or '?'} for ruby_llm {an.version}, "
            f"manifest) has no class method `{tc.name}`; DSL: {short_list(names, 20)}",
            hint=did_you_mean(tc.name, names),
        )


RULE = Rule(
    id="rubyllm/schema-dsl",
    category=Category.api_hallucination,
    severity=Severity.error,
    title="Unknown RubyLLM::Schema DSL method",
    check=check,
)
