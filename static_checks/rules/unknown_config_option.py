"""Rule 5: a configuration option no release has, set in `configure` or via `RubyLLM.config`."""

from __future__ import annotations

from static_checks.models import Category, Severity
from static_checks.rules.analysis import all_releases, analysis, missing_calls
from static_checks.rules.base import Rule, did_you_mean, short_list


def check(ctx):
    an = analysis(ctx)
    options = sorted(an.index.config_options())
    for miss in missing_calls(an):
        if miss.kind != "config" or miss.versions:
            continue
        tc = miss.tc
        option = tc.name.rstrip("=")
        yield RULE.finding(
            tc.pf,
            tc.method_node,
            f"`{option}` is not a RubyLLM configuration option (NoMethodError at boot)",
            f"RubyLLM::Configuration in ruby_llm {an.version} (manifest) has no option `{option}`, "
            f"nor does any release ({all_releases()}); options: {short_list(options, 16)}",
            hint=did_you_mean(option, options),
        )


RULE = Rule(
    id="rubyllm/unknown-config-option",
    category=Category.api_hallucination,
    severity=Severity.error,
    title="Unknown RubyLLM configuration option",
    check=check,
)
