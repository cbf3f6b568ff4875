"""rubyllm/unknown-method: a method that no release of the gem defines, called on a RubyLLM object or module."""

from __future__ import annotations

from static_checks.rules.base import Proof, Rule, short_list
from static_checks.rules.model.missing import absent_call_findings
from static_checks.rules.model.wording import all_releases, owner_label


def _describe(an, tc, names):
    evidence = (f"{tc.rtype.name} in ruby_llm {an.version} (manifest) has no "
                f"{'singleton ' if tc.rtype.singleton else ''}method `{tc.name}`, nor does any release "
                f"{all_releases()}; public methods: {short_list(names)}")
    t = tc.rtype
    if t.open and t.app_class:  # an acts_as model (or its class) whose every source was read
        from static_checks.models_world.world import model_world

        evidence += f"; nor do {model_world(an.ctx).describe(t.app_class, t.singleton)}"
    return (
        f"`{owner_label(tc.rtype, tc.name)}` does not exist: {tc.rtype.describe()} has no method `{tc.name}`",
        evidence,
    )


def check(ctx):
    return absent_call_findings(RULE, ctx, "method", _describe)



RULE = Rule(
    id="rubyllm/unknown-method",
    summary="A method no release has, called on a RubyLLM object or module",
    why=(
        "The call raises NoMethodError at run time; agents often invent fluent APIs (`chat.user(...)`, "
        "`response.text`) that look plausible and never worked."
    ),
    bad="""
    chat = RubyLLM.chat
    chat.user("Hello")
    reply = chat.ask("Hello")
    puts reply.text
""",
    good="""
    chat = RubyLLM.chat
    reply = chat.ask("Hello")
    puts reply.content
""",
    proof=Proof.absence,
    check=check,
)
