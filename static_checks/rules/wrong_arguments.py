"""rubyllm/wrong-arguments: unknown keyword, missing required keyword or wrong positional arity (Ruby 3 rules)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path


from static_checks.manifest.index import ManifestIndex, available_versions
from static_checks.manifest.model import MethodSig, Param
from static_checks.shipped_yaml import load_shipped_yaml
from static_checks.rules.base import Proof, Rule, did_you_mean
from static_checks.rules.model.analysis import analysis, has_signature
from static_checks.rules.model.wording import owner_label
from static_checks.rules.signature import binding_errors, format_signature
from static_checks.types.project import acts_as_settings
from static_checks.types.syntax import arg_shape


def check(ctx):
    an = analysis(ctx)
    yield from _macro_findings(an)
    for tc in an.typed_calls:
        if tc.name.endswith("=") or tc.call is not tc.node or tc.in_block:
            continue
        look = an.lookup(tc.rtype, tc.name, tc.fs.is_test)
        sig = look.sig
        if look.status == "found" and sig is not None and not has_signature(sig):
            sig = core_signature(sig)
        if look.status != "found" or not has_signature(sig):
            continue
        shape = arg_shape(tc.call)
        sig = _options_target(an.index, tc, sig)
        errors = binding_errors(sig, shape)
        if not errors:
            continue
        sep = "." if tc.rtype.singleton and sig.name != "initialize" else "#"
        yield _bad_call(an, tc.pf, tc.method_node, owner_label(tc.rtype, tc.name), errors, sig,
                        f"{sig.owner or tc.rtype.name}{sep}", shape,
                        lambda unknown: _keyword_drift(an, tc, unknown))


@lru_cache(maxsize=1)
def _core_table() -> dict[tuple[str, str], list[str]]:
    text = Path(__file__).with_name("core_signatures.yaml").read_text(encoding="utf-8")
    data = load_shipped_yaml(text)
    return {(owner, name): kinds for owner, methods in data.items() for name, kinds in methods.items()}


def core_signature(sig: MethodSig) -> MethodSig | None:
    """A mixed-in core method's real parameters (core_signatures.yaml), else None (unverifiable)."""
    kinds = _core_table().get((sig.owner or "", sig.name))
    if kinds is None:
        return None
    params = [Param(kind=k, name=f"arg{i}") for i, k in enumerate(kinds)] + [Param(kind="block", name="block")]
    return sig.model_copy(update={"params": params, "origin": "overlay"})


def _bad_call(an, pf, node, label, errors, sig, owner, shape, drift=None, note=""):
    """One finding for a call that cannot bind: the errors, the manifest signature, a fix hint."""
    accepted = [p.name for p in sig.params if p.kind in ("key", "keyreq") and p.name]
    unknown = [k for k in shape.keywords if k not in accepted]
    hint = did_you_mean(unknown[0], accepted) if unknown and accepted else None
    hint = hint or _chat_setter_hint(an.index, sig, unknown)
    where = f" ({sig.location})" if sig.location else ""
    extra = drift(unknown) if drift and unknown and accepted else ""
    return RULE.finding(
        pf, node,
        f"`{label}` called with bad arguments: {'; '.join(errors)}{note}",
        (f"Ruby core signature (rules/core_signatures.yaml): {owner}{format_signature(sig)}"
         if sig.origin == "overlay" else
         f"ruby_llm {an.version} (manifest) signature: {owner}{format_signature(sig)}{where}")
        + (f", forwarding to {sig.forwards_to}" if sig.forwards_to else "") + extra,
        hint=hint or f"call it as {format_signature(sig)}",
    )


# A keyword some other client takes on the call (`temperature:`, `system:`) that RubyLLM sets on the chat
# through one of its methods instead; which methods exist is read from the locked release's manifest.
# Sampling parameters the provider takes as they are go through `with_params` (where the release has it).
SETTER_SYNONYMS = {"system": "with_instructions", "system_prompt": "with_instructions",
                   "instructions": "with_instructions", "response_format": "with_schema", "functions": "with_tools",
                   "messages": "add_message"}
PROVIDER_PARAMS = {"max_tokens", "max_completion_tokens", "top_p", "top_k", "stop", "seed", "frequency_penalty",
                   "presence_penalty", "reasoning_effort", "n", "user"}
CHAT = "RubyLLM::Chat"


def _chat_setter_hint(index, sig, unknown: list[str]) -> str | None:
    """`temperature:` → `.with_temperature(…)`: the chat's real API for keywords the call does not take."""
    on_chat = sig.owner == CHAT or (sig.owner == "RubyLLM" and sig.name == "chat") or CHAT in (sig.forwards_to or "")
    if not unknown or not on_chat:
        return None
    fixes = []
    for kw in unknown:
        setter = SETTER_SYNONYMS.get(kw, f"with_{kw}")
        if setter == sig.name:
            continue  # `with_model(model: …)`: the method is right, its signature is the hint
        if index.find_method(CHAT, setter) is not None:
            fixes.append(f"`{kw}:` → `.{setter}(…)`")
        elif kw in PROVIDER_PARAMS and index.find_method(CHAT, "with_params") is not None:
            fixes.append(f"`{kw}:` → `.with_params({kw}: …)`")
    return ("use the chat's API: " + ", ".join(fixes)) if fixes else None


def _macro_findings(an):
    """`acts_as_chat messages_foreign_key: ...` bound against the macro of the acts_as API in use.

    From 1.7 the gem includes ActsAsLegacy unless `config.use_new_acts_as = true` (default false),
    and the two APIs take different keywords; a keyword the chosen one lacks raises at class load.
    """
    index, new_api = an.index, an.project.new_acts_as
    settings = acts_as_settings(an.ctx.files)
    if len(settings) > 1 or None in settings:
        return  # set both ways, or computed at boot: which API is active is unknown
    for app in an.project.classes.values():
        if app.fq == "RubyLLM" or app.fq.startswith("RubyLLM::"):
            continue
        for d in app.defs:
            for name, call, scope in d.macros:
                if scope.kind != "class" or app.acts_as != name:
                    continue  # typed as RubyLLM's macro only on ActiveRecord models (types/project.py)
                api = index.acts_as_methods(name, new_api)
                sig = index.find_method(api.rsplit("::", 1)[0] + "::ClassMethods", name) if api else None
                if sig is None or not has_signature(sig):
                    continue
                shape = arg_shape(call)
                errors = binding_errors(sig, shape)
                if not errors:
                    continue
                legacy = "ActsAsLegacy" in api
                note = ""
                if legacy:
                    note = " (legacy API: `config.use_new_acts_as` is " + (
                        "false)" if new_api is False else "unset, default false)")
                    new = index.find_method("RubyLLM::ActiveRecord::ActsAs::ClassMethods", name)
                    if new is not None and not binding_errors(new, shape):
                        note += "; the new API takes these keywords: set `config.use_new_acts_as = true`"
                yield _bad_call(an, d.file.pf, call.child_by_field_name("method") or call, name, errors, sig,
                                f"{sig.owner}#", shape, note=note)


# `**options` handed whole to a constructor, a flow the manifest's `(...)` resolution does not
# follow: Tool.param(name, **options) builds Parameter.new(name, **options), so an unknown
# option (`default:`, `enum:`, `description:` before 1.15) is an ArgumentError at class load.
OPTIONS_FORWARDED = {("RubyLLM::Tool", "param", True): ("RubyLLM::Parameter", "initialize")}


def _options_target(index, tc, sig):
    target = OPTIONS_FORWARDED.get((sig.owner, tc.name, tc.rtype.singleton))
    if target is None:
        return sig
    init = index.find_method(*target)
    return sig if init is None else init


def _keyword_drift(an, tc, unknown: list[str]) -> str:
    """"; `concurrency:` is accepted in ruby_llm 1.16.0..": the keyword exists in other releases."""
    notes = []
    for kw in unknown:
        versions = []
        for v in available_versions():
            other = ManifestIndex.load(v, schema_version=an.index.schema_pin)
            for ns in an.namespaces_of(tc.rtype):
                sig = other.find_method(ns, tc.name, singleton=tc.rtype.singleton)
                sig = _options_target(other, tc, sig) if sig is not None else None
                if sig is not None and any(p.name == kw and p.kind in ("key", "keyreq") for p in sig.params):
                    versions.append(v)
                    break
        if versions:
            notes.append(f"`{kw}:` is accepted in ruby_llm {versions[0]}..{versions[-1]}")
    return ("; " + "; ".join(notes)) if notes else ""



RULE = Rule(
    id="rubyllm/wrong-arguments",
    summary="Arguments that cannot bind to the method's signature (unknown or missing keyword, arity)",
    why=(
        "Ruby 3 raises ArgumentError when the arguments cannot bind: the method exists but the call never succeeds."
    ),
    bad="""
    RubyLLM.chat.with_model(model: "gpt-4o-mini")
""",
    good="""
    RubyLLM.chat.with_model("gpt-4o-mini")
""",
    proof=Proof.signature,
    check=check,
)
