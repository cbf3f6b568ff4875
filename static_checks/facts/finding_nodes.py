"""Where the audit's findings sit in the code, and what kind of invented call each one is.

Shared by the RubyLLM usage, tests and call-chain facts (kept apart from them so that none of
those modules imports another in a cycle).
"""

from __future__ import annotations

import tree_sitter as ts

from static_checks.facts.context import FactContext
from static_checks.facts.llm_calls import llm_model
from static_checks.facts.ruby_nodes import args, call_name, const_path, kwarg, receiver
from static_checks.models import Category, Finding, Severity
from static_checks.types.syntax import is_test_path

ROLE_METHODS = frozenset({"user", "assistant", "system", "add_user_message", "add_assistant_message"})
READER_METHODS = frozenset({"text", "message", "output_text", "choices", "completion", "response", "body", "dig"})


def node_at_finding(ctx: FactContext, f: Finding) -> tuple[object, ts.Node] | None:
    """The smallest named node at a finding's position, with its parsed file."""
    pf = ctx.by_rel.get(f.file)
    if pf is None:
        return None
    point = (f.line - 1, max(f.column - 1, 0))
    node = pf.root.named_descendant_for_point_range(point, point)
    return (pf, node) if node is not None else None


def finding_node(ctx: FactContext, f: Finding) -> tuple[object, ts.Node] | None:
    """The smallest call node at a finding's position, for classifying what was invented."""
    hit = node_at_finding(ctx, f)
    node = hit[1] if hit is not None else None
    while node is not None and node.type != "call":
        node = node.parent
    return (hit[0], node) if node is not None else None


def invented_kind(ctx: FactContext, f: Finding) -> str:
    """entry_class / batch_messages / fluent_role / response_reader / config_option / other,
    or version_drift for an API of another release when the locked one is only inferred."""
    if f.rule == "rubyllm/version-mismatch" and f.severity is not Severity.error:
        return "version_drift"
    hit = finding_node(ctx, f)
    if hit is None:
        return "other"
    pf, call = hit
    name = call_name(call)
    recv = receiver(call)
    path = const_path(recv) if recv is not None else None
    if name in ("chat", "new") and kwarg(pf, call, "messages") is not None:
        return "batch_messages"
    if name == "with_model" and call.child_by_field_name("block") is not None and not args(call):
        return "with_model_block"  # `Chat.new.with_model { |c| ... }`: the benchmark charges it like an invented entry
    index = llm_model(ctx).project.index if llm_model(ctx).project is not None else None
    if path and path != "RubyLLM" and (index is None or index.namespace(path) is None):
        if name == "new" or path.split("::")[0].lower() in ("rubyllm", "openrouter", "open_router"):
            return "entry_class"
    if name in ROLE_METHODS:
        return "fluent_role"
    if name in READER_METHODS or (name or "").endswith("_text"):
        return "response_reader"
    if recv is not None and pf.text(recv) == "config":
        return "config_option"
    return "other"


def app_findings(ctx: FactContext, category: Category, tests: bool) -> list[Finding]:
    return [
        f for f in ctx.findings
        if f.category is category and f.file.startswith(ctx.prefix) and is_test_path(f.file) == tests
    ]
