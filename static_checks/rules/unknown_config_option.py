"""rubyllm/unknown-config-option: a configuration option no release has, set in `configure` or via `RubyLLM.config`."""

from __future__ import annotations

from static_checks.rules.base import Proof, Rule, did_you_mean, short_list
from static_checks.rules.model.analysis import analysis
from static_checks.rules.model.missing import absent_calls
from static_checks.rules.model.wording import all_releases

OPTION_METHODS = frozenset({"configuration_options", "configuration_requirements"})


def registered_provider_options(an) -> set[str]:
    """Options of the app's own providers: from the release whose `Provider.register` adds each
    provider's `configuration_options` to Configuration (register_provider_options), they exist."""
    if an.index.find_method("RubyLLM::Configuration", "register_provider_options", singleton=True) is None:
        return set()
    found: set[str] = set()
    for pf in an.ctx.files:
        if b"configuration_options" not in pf.source and b"configuration_requirements" not in pf.source:
            continue
        stack = [pf.root]
        while stack:
            node = stack.pop()
            name = node.child_by_field_name("name") if node.type in ("method", "singleton_method") else None
            if name is not None and pf.text(name) in OPTION_METHODS:
                found |= _symbols(pf, node)
                continue
            stack.extend(node.named_children)
    return found


def _symbols(pf, node) -> set[str]:
    out, stack = set(), [node]
    while stack:
        cur = stack.pop()
        if cur.type == "simple_symbol":
            out.add(pf.text(cur)[1:])
        elif cur.type == "bare_symbol":
            out.add(pf.text(cur))
        stack.extend(cur.named_children)
    return out


def check(ctx):
    an = analysis(ctx)
    options = sorted(an.index.config_options())
    own = registered_provider_options(an)
    for tc, _names in absent_calls(an, "config"):
        option = tc.name.rstrip("=")
        if option in own:
            continue  # an option of a provider the app registers itself
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
    summary="A configuration option no release has, set in `configure` or through `RubyLLM.config`",
    why=(
        "Setting an option that does not exist raises NoMethodError at boot, or the key never reaches the provider."
    ),
    bad="""
    RubyLLM.configure do |config|
      config.api_key = ENV["OPENAI_API_KEY"]
    end
""",
    good="""
    RubyLLM.configure do |config|
      config.openai_api_key = ENV["OPENAI_API_KEY"]
    end
""",
    proof=Proof.absence,
    check=check,
)
