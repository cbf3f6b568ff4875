"""Rule 2: a method that no release of the gem defines, called on a RubyLLM object or module."""

from __future__ import annotations

from static_checks.rules.analysis import absent_call_findings, all_releases, owner_label
from static_checks.rules.base import api_rule, short_list


def _describe(an, tc, names):
    return (
        f"`{owner_label(tc.rtype, tc.name)}` does not exist: {tc.rtype.describe()} has no method `{tc.name}`",
        f"{tc.rtype.name} in ruby_llm {an.version} (manifest) has no "
        f"{'singleton ' if tc.rtype.singleton else ''}method `{tc.name}`, nor does any release "
        f"{all_releases()}; public methods: {short_list(names)}",
    )


def check(ctx):
    return absent_call_findings(RULE, ctx, "method", _describe)


RULE = api_rule("rubyllm/unknown-method", "Unknown method on a RubyLLM object", check)
