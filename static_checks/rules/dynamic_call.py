"""rubyllm/dynamic-call: `send` / `public_send` / `try` on a RubyLLM object: cannot be verified statically."""

from __future__ import annotations

from static_checks.records import Category, Severity
from static_checks.rules.base import Proof, Rule
from static_checks.rules.model.analysis import analysis
from static_checks.types.syntax import first_arg, symbol_value

DYNAMIC = frozenset({"send", "public_send", "__send__", "try", "try!", "method", "public_method"})


def check(ctx):
    an = analysis(ctx)
    for tc in an.typed_calls:
        if tc.name not in DYNAMIC or not tc.explicit:
            continue
        target = symbol_value(first_arg(tc.call))
        if target is None:
            if tc.rtype.open or tc.rtype.app_class:
                continue  # app models: computed names are mostly their own attributes
            note = "the method name is computed at run time"
        else:
            look = an.lookup(tc.rtype, target, tc.fs.is_test)
            if look.status != "missing":
                continue  # a literal name the manifest or the app answers for is verified
            note = f"`{target}` is not in the manifest of ruby_llm {an.version}"
        yield RULE.finding(
            tc.pf,
            tc.method_node,
            f"dynamic `{tc.name}` on {tc.rtype.describe()} cannot be verified statically",
            f"{note}; calls made through `{tc.name}` are reported as unverifiable, never as invented",
            hint=f"call the method directly (e.g. `.{target}`) so it can be checked" if target else None,
        )



RULE = Rule(
    id="rubyllm/dynamic-call",
    summary="`send`, `public_send` or `try` on a RubyLLM object with a name that cannot be checked",
    why=(
        "A computed or unknown method name cannot be verified statically; it is reported as unverifiable, "
        "never as invented."
    ),
    bad="""
    chat = RubyLLM.chat
    chat.public_send(action, "hi")
""",
    good="""
    chat = RubyLLM.chat
    chat.ask("hi")
""",
    proof=Proof.none,
    check=check,
    category=Category.unverifiable,
    severity=Severity.info,
)
