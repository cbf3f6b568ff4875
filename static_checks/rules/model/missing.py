"""Calls the locked manifest cannot answer, sorted by the kind of proof each needs; shared by the absence rules."""

from __future__ import annotations

from dataclasses import dataclass

from static_checks.manifest.core import private_kernel_methods
from static_checks.models_world.relations import self_in_class_body_block
from static_checks.rules.base import did_you_mean
from static_checks.rules.model.analysis import Analysis, analysis
from static_checks.rules.model.vocabulary import RAILS_CLASS_BODY_MACROS
from static_checks.typed_calls import SCHEMA, TypedCall

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
