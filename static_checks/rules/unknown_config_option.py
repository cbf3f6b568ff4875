"""Rule 5: a configuration option no release has, set in `configure` or via `RubyLLM.config`."""

from __future__ import annotations

from static_checks.rules.analysis import absent_calls, all_releases, analysis
from static_checks.rules.base import api_rule, did_you_mean, short_list


def check(ctx):
    an = analysis(ctx)
    options = sorted(an.index.config_options())
    for tc, _names in absent_calls(an, "config"):
        option = tc.name.rstrip("=")
        yield RULE.finding(
            tc.pf,
            tc.method_node,
            f"`{option}` is not a RubyLLM configuration option (NoMethodError at boot)",
            f"RubyLLM::Configuration in ruby_llm {an.version} (manifest) has no option `{option}`, "
            f"nor does any release ({all_releases()}); options: {short_list(options, 16)}",
            hint=did_you_mean(option, options),
        )


RULE = api_rule("rubyllm/unknown-config-option", "Unknown RubyLLM configuration option", check)
