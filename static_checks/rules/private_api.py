"""rubyllm/private-api: private/protected RubyLLM API called from outside, or a writer on a reader-only attribute."""

from __future__ import annotations

from static_checks.rules.base import Proof, Rule
from static_checks.rules.model.analysis import analysis
from static_checks.rules.model.missing import missing_calls
from static_checks.rules.model.wording import owner_label


def check(ctx):
    an = analysis(ctx)
    for miss in missing_calls(an):
        if miss.kind != "reader-only":
            continue
        tc = miss.tc
        attr = tc.name[:-1]
        yield RULE.finding(
            tc.pf,
            tc.node,
            f"`{owner_label(tc.rtype, attr)}` is read-only: there is no `{tc.name}` writer",
            f"{tc.rtype.name} in ruby_llm {an.version} (manifest) defines `{attr}` but no `{tc.name}`",
            hint=_writer_hint(attr),
        )
    for tc in an.typed_calls:
        if not tc.explicit or tc.self_receiver or tc.name.endswith("="):
            continue
        look = an.lookup(tc.rtype, tc.name, tc.fs.is_test)
        sig = look.sig
        if look.status != "found" or sig is None or sig.visibility == "public":
            continue
        if sig.visibility == "protected" and _inside_same_family(an, tc):
            continue
        yield RULE.finding(
            tc.pf,
            tc.method_node,
            f"`{owner_label(tc.rtype, tc.name)}` is {sig.visibility}: it cannot be called with an explicit receiver",
            f"{sig.owner or tc.rtype.name}#{tc.name} is {sig.visibility} in ruby_llm {an.version} (manifest"
            + (f", {sig.location})" if sig.location else ")"),
            hint="use the public API instead of reaching into the gem's internals",
        )


def _writer_hint(attr: str) -> str:
    if attr == "messages":
        return "add history with `add_message(role:, content:)` (or `reset_messages!` first)"
    return f"set `{attr}` through the builder or constructor the gem provides"


def _inside_same_family(an, tc) -> bool:
    own = an.infer.self_type(tc.scope)
    return own is not None and an.index.is_subclass(own.name, tc.rtype.name)



RULE = Rule(
    id="rubyllm/private-api",
    summary="Private or protected RubyLLM API called from outside, or a writer on a read-only attribute",
    why=(
        "Ruby raises NoMethodError for a private call with a receiver or a writer that does not exist: the "
        "code reaches into the gem's internals."
    ),
    bad="""
    chat = RubyLLM.chat
    chat.messages = []
""",
    good="""
    chat = RubyLLM.chat
    chat.add_message(role: :user, content: "hi")
""",
    proof=Proof.visibility,
    check=check,
)
