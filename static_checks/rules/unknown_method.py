"""Rule 2: a method that no release of the gem defines, called on a RubyLLM object or module."""

from __future__ import annotations

from static_checks.models import Category, Severity
from static_checks.rules.analysis import all_releases, analysis, missing_calls, owner_label
from static_checks.rules.base import Rule, did_you_mean, short_list


def check(ctx):
    an = analysis(ctx)
    for miss in missing_calls(an):
        if miss.kind != "method" or miss.versions:
            continue
        tc = miss.tc
        names = an.public_names(tc.rtype)
        where = tc.rtype.describe()
        yield RULE.finding(
            tc.pf,
            tc.method_node,
            f"`{owner_label(tc.rtype, tc.name)}` does not exist: {where} has no method `{tc.name}`",
            f"{tc.rtype.name} in ruby_llm {an.version} (manifest) has no "
            f"{'singleton ' if tc.rtype.singleton else ''}method `{tc.name}`, nor does any release "
            f"{all_releases()}; public methods: {short_list(names)}",
            hint=did_you_mean(tc.name, names),
        )


RULE = Rule(
    id="rubyllm/unknown-method",
    category=Category.api_hallucination,
    severity=Severity.error,
    title="Unknown method on a RubyLLM object",
    check=check,
)
