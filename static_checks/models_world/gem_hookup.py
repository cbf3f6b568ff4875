"""The gem's own ActiveRecord hook-up, written by hand, is no unknown extension of every model.

Outside Rails (or in an initializer) an app does what the gem's railtie does:
`ActiveRecord::Base.include RubyLLM::ActiveRecord::ActsAs`, or the same inside
`ActiveSupport.on_load(:active_record) { ... }`. Those modules give every model only the acts_as
macros, which the manifest knows; any other module, or any other statement in the hook, may add
names we cannot list, so it stays a gap.
"""

from __future__ import annotations

import re

import tree_sitter as ts

from static_checks.parsing import ParsedFile
from static_checks.types.syntax import call_args, const_path, literal_name

# The modules that hold only the acts_as macros (ActsAs from 1.7, ActsAsLegacy beside it, ActsAs before).
_MACRO_MODULE = re.compile(r"RubyLLM::ActiveRecord::ActsAs(?:Legacy)?")
_INCLUDE = frozenset({"include", "extend", "prepend"})
_AR_BASE = "ActiveRecord::Base"


def is_gem_hookup(pf: ParsedFile, offset: int) -> bool:
    """Is the ActiveRecord patch whose text starts at byte `offset` only the gem's macro modules?"""
    node: ts.Node | None = pf.root.descendant_for_byte_range(offset, offset)
    while node is not None and node.type != "call":
        node = node.parent
    if node is None:
        return False
    if pf.text(node.child_by_field_name("method")) == "on_load":
        return _harmless(pf, node)
    return _includes_macros(pf, node, receiver_required=True)


def _includes_macros(pf: ParsedFile, call: ts.Node, receiver_required: bool) -> bool:
    """`[ActiveRecord::Base.]include RubyLLM::ActiveRecord::ActsAs` (or `send(:include, ...)`)."""
    recv = call.child_by_field_name("receiver")
    if recv is None and receiver_required:
        return False
    if recv is not None and const_path(recv) != _AR_BASE:
        return False
    name = pf.text(call.child_by_field_name("method"))
    args = call_args(call)
    if name == "send" and args:
        name, args = literal_name(pf, args[0]) or "", args[1:]
    return name in _INCLUDE and bool(args) and all(
        _MACRO_MODULE.fullmatch(const_path(a) or "") is not None for a in args)


# Blocks Rails runs later, once, with nothing of their own added to models: a hook-up is often wrapped in them
# (`config.after_initialize do ActiveSupport.on_load(:active_record) { ... } end`, or the other way round).
_DEFERRING = frozenset({"on_load", "after_initialize", "before_initialize", "to_prepare"})
# Statements that only hold others: each part that runs must be harmless (conditions are `defined?` checks).
_HOLDERS = {"if": ("consequence", "alternative"), "unless": ("consequence", "alternative"),
            "elsif": ("consequence", "alternative"), "if_modifier": ("body",), "unless_modifier": ("body",),
            "rescue": ("body",), "rescue_modifier": ("body", "handler")}
_BODIES = frozenset({"then", "else", "ensure", "begin", "body_statement", "block_body", "parenthesized_statements"})


def _harmless(pf: ParsedFile, stmt: ts.Node) -> bool:
    """A statement of an on_load(:active_record) hook that adds nothing but the gem's macros, however it is
    nested: in branches (`if RubyLLM.config.use_new_acts_as`, `include X if defined?(X)`), begin/rescue,
    or another deferring block (`Rails.application.config.after_initialize do ... end`)."""
    parts = _HOLDERS.get(stmt.type)
    if parts is not None:  # either branch may run
        return all(_harmless(pf, p) for f in parts if (p := stmt.child_by_field_name(f)) is not None)
    if stmt.type in _BODIES:
        return all(_harmless(pf, c) for c in stmt.named_children if c.type != "comment")
    if stmt.type in ("next", "return", "nil"):  # `next unless defined?(RubyLLM)`
        return not stmt.named_children
    if stmt.type != "call":
        return False
    name = pf.text(stmt.child_by_field_name("method"))
    block = stmt.child_by_field_name("block")
    if name in _DEFERRING and block is not None:
        body = block.child_by_field_name("body")
        return body is None or _harmless(pf, body)
    if name in ("require", "require_relative") and stmt.child_by_field_name("receiver") is None:
        path = literal_name(pf, (call_args(stmt) or [None])[0])
        return path is not None and path.startswith("ruby_llm")
    return _includes_macros(pf, stmt, receiver_required=False)
