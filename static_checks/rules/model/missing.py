"""Calls the locked manifest cannot answer, sorted by the kind of proof each needs; shared by the absence rules."""

from __future__ import annotations

import re
from dataclasses import dataclass

from static_checks.manifest.core import private_kernel_methods
from static_checks.models_world.relations import self_in_class_body_block
from static_checks.rules.base import did_you_mean
from static_checks.rules.model.analysis import Analysis, analysis
from static_checks.rules.model.vocabulary import RAILS_CLASS_BODY_MACROS
from static_checks.typed_calls import SCHEMA, TypedCall
from static_checks.types.syntax import first_arg, symbol_value, text

CONFIG = "RubyLLM::Configuration"


@dataclass
class Missing:
    """A call the locked manifest cannot answer: what kind of proof it needs, and where it exists."""

    tc: TypedCall
    kind: str  # "method" | "config" | "schema-dsl" | "reader-only"
    versions: list[str]  # other releases that have it (empty: invented everywhere)


def missing_calls(an: Analysis) -> list[Missing]:
    cached = an.ctx.cache.get("missing_calls")
    if cached is not None:
        return cached  # type: ignore[return-value]
    out: list[Missing] = []
    for tc in an.typed_calls:
        kind = _missing_kind(an, tc)
        if kind is None:
            continue
        versions = [] if kind == "reader-only" else an.versions_with_method(tc.rtype, tc.name)
        if kind == "drift-only" and not versions:
            continue  # open types (ActiveRecord models): only version drift is provable
        out.append(Missing(tc, "method" if kind == "drift-only" else kind, versions))
    an.ctx.cache["missing_calls"] = out
    return out


def absent_calls(an: Analysis, kind: str):
    """(typed call, public names of its receiver) for `kind` misses that no release has."""
    for miss in missing_calls(an):
        if miss.kind == kind and not miss.versions:
            yield miss.tc, an.public_names(miss.tc.rtype)


def absent_call_findings(rule, ctx, kind: str, describe):
    """Findings for absent calls of `kind`: describe(an, tc, names) -> (message, evidence); hint from names."""
    an = analysis(ctx)
    for tc, names in absent_calls(an, kind):
        message, evidence = describe(an, tc, names)
        t = tc.rtype
        near = names
        if t.app_class and "::ActsAs" in t.name:  # an acts_as model: its own names are the likely targets
            from static_checks.models_world.world import model_world

            near = [*names, *model_world(ctx).own_names(t.app_class, t.singleton)]
        yield rule.finding(tc.pf, tc.method_node, message, evidence, hint=did_you_mean(tc.name, near))


# `def conversation.asked_content` (not `def self.x`)
_SINGLETON_DEF = re.compile(rb"\bdef\s+(@{0,2}[a-z_]\w*)\.([A-Za-z_]\w*[?!=]?)")
_GIVING = (b"define_singleton_method", b"def ")


def given_to_object(an: Analysis, tc: TypedCall) -> bool:
    """The file gives this very receiver the method: `conversation.define_singleton_method(:asked_content)`,
    `def conversation.asked_content`, `conversation.singleton_class.define_method(...)` (a test's fake): the
    name is that object's own, whatever its class lacks."""
    recv = tc.fs.receiver_of(tc.call)
    if recv is None or recv.type not in ("identifier", "instance_variable", "class_variable"):
        return False
    given = an.ctx.cache.setdefault("given_to_object", {})
    names = given.get(tc.fs.pf.rel)
    if names is None:
        names = given[tc.fs.pf.rel] = _singleton_names(tc.fs)
    return (text(recv), tc.name) in names


def _singleton_names(fs) -> set[tuple[str, str]]:
    source = fs.pf.source
    if not any(word in source for word in _GIVING):
        return set()
    out = {(m.group(1).decode(), m.group(2).decode()) for m in _SINGLETON_DEF.finditer(source)
           if m.group(1) != b"self"}
    for call, _scope in fs.calls:
        if fs.name_of(call) not in ("define_singleton_method", "define_method"):
            continue
        recv = fs.receiver_of(call)
        if recv is not None and recv.type == "call" and fs.name_of(recv) == "singleton_class":
            recv = fs.receiver_of(recv)  # `obj.singleton_class.define_method(:x)`
        elif fs.name_of(call) == "define_method":
            continue
        name = symbol_value(first_arg(call))
        if recv is not None and recv.type in ("identifier", "instance_variable", "class_variable") and name:
            out.add((text(recv), name))
    return out


def _missing_kind(an: Analysis, tc: TypedCall) -> str | None:
    t = tc.rtype
    if not tc.explicit:
        # receiver-less calls: only class-body DSL (`param`, `description`, schema `string`); a model's
        # macros are the model world's (an unknown one leaves it unverifiable, never invented)
        if tc.scope.kind not in ("class", "sclass") or not t.app_class or "::ActsAs" in t.name:
            return None
        if tc.name in an.project.app_method_names or tc.name in RAILS_CLASS_BODY_MACROS:
            return None
        if tc.name in private_kernel_methods():
            return None
    if t.singleton and "::ActsAs" in t.name and self_in_class_body_block(tc.call):
        return None  # `self` in a model's callback block is a record, not the class
    if tc.explicit and given_to_object(an, tc):
        return None
    status = an.lookup(t, tc.name, tc.fs.is_test, macro=not tc.explicit).status
    if status not in ("missing", "open", "unverifiable") or an.guarded(tc):
        return None
    if status in ("open", "unverifiable"):
        # ActiveRecord models: a bare `chat.model_id` may be a column, so only calls with
        # arguments or a block are proof of a missing macro method
        has_args = tc.call.child_by_field_name("arguments") is not None or \
            tc.call.child_by_field_name("block") is not None
        return "drift-only" if t.open and tc.explicit and has_args and not tc.name.endswith("=") else None
    if tc.name.endswith("=") and tc.name[:-1] and an.find(t, tc.name[:-1]) is not None:
        return "reader-only"
    if t.name == CONFIG and not t.singleton:
        return "config"
    if not tc.explicit and an.index.is_subclass(t.name, SCHEMA):
        return "schema-dsl"
    return "method"
