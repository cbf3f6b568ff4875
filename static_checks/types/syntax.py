"""Small readers over tree-sitter Ruby nodes: constant paths, call parts, argument shapes.

Kept free of any typing logic so rules and the inferencer share one reading of the syntax.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import tree_sitter as ts

CALL_TYPES = frozenset({"call"})
BLOCK_TYPES = frozenset({"block", "do_block"})
DEF_TYPES = frozenset({"method", "singleton_method"})
CLASS_TYPES = frozenset({"class", "module"})


def text(node: ts.Node) -> str:
    raw = node.text
    return raw.decode("utf-8", "replace") if raw is not None else ""


def const_path(node: ts.Node | None) -> str | None:
    """`A::B::C` for constant / scope_resolution nodes built only of constants, else None.

    A leading `::` is dropped (top-level lookup), which is what we want for `::RubyLLM::Chat`.
    """
    if node is None:
        return None
    if node.type == "constant":
        return text(node)
    if node.type == "scope_resolution":
        name = node.child_by_field_name("name")
        scope = node.child_by_field_name("scope")
        if name is None or name.type != "constant":
            return None
        if scope is None:
            return text(name)
        head = const_path(scope)
        return f"{head}::{text(name)}" if head else None
    return None


def call_name(call: ts.Node) -> str | None:
    m = call.child_by_field_name("method")
    return text(m) if m is not None else None


def call_receiver(call: ts.Node) -> ts.Node | None:
    return call.child_by_field_name("receiver")


def call_block(call: ts.Node) -> ts.Node | None:
    return call.child_by_field_name("block")


def symbol_value(node: ts.Node | None) -> str | None:
    """`:foo`, `"foo"` or `'foo'` (no interpolation) -> foo."""
    if node is None:
        return None
    if node.type == "simple_symbol":
        return text(node)[1:]
    if node.type in ("string", "delimited_symbol"):
        parts = node.named_children
        if all(p.type == "string_content" for p in parts):
            return "".join(text(p) for p in parts)
    if node.type == "hash_key_symbol":
        return text(node)
    return None


def pair_key(pair: ts.Node) -> str | None:
    """The Symbol key of a `k: v` / `:k => v` pair; None for other keys (strings, expressions)."""
    key = pair.child_by_field_name("key")
    if key is None:
        return None
    if key.type == "hash_key_symbol":
        return text(key)
    if key.type == "simple_symbol":
        return text(key)[1:]
    return None


@dataclass
class ArgShape:
    """How a call passes its arguments, read the way Ruby 3 binds them."""

    positional: list[ts.Node] = field(default_factory=list)
    keywords: dict[str, ts.Node] = field(default_factory=dict)
    # splats, `**h`, `...`, `&blk`, non-Symbol keys: arity cannot be proven from the source.
    unverifiable: bool = False
    has_block_pass: bool = False


def arg_shape(call: ts.Node) -> ArgShape:
    shape = ArgShape()
    args = call.child_by_field_name("arguments")
    if args is None:
        return shape
    for arg in args.named_children:
        t = arg.type
        if t == "pair":
            key = pair_key(arg)
            if key is None:
                shape.unverifiable = True
            else:
                shape.keywords[key] = arg
        elif t in ("splat_argument", "hash_splat_argument", "forward_argument"):
            shape.unverifiable = True
        elif t == "block_argument":
            shape.has_block_pass = True
            shape.unverifiable = True
        elif t == "comment":
            continue
        else:
            shape.positional.append(arg)
    return shape


def first_arg(call: ts.Node) -> ts.Node | None:
    args = call.child_by_field_name("arguments")
    if args is None:
        return None
    for arg in args.named_children:
        if arg.type != "comment":
            return arg
    return None


def block_param_names(block: ts.Node) -> list[str | None]:
    """Names of a block's parameters in order; None for destructured or splat slots."""
    params = block.child_by_field_name("parameters")
    if params is None:
        return []
    names: list[str | None] = []
    for p in params.named_children:
        if p.type == "identifier":
            names.append(text(p))
        elif p.type in ("optional_parameter", "keyword_parameter"):
            names.append(None)
        elif p.type == "block_parameter" or p.type == "comment":
            continue
        else:
            names.append(None)
    return names


def def_body(defn: ts.Node) -> ts.Node | None:
    """Body of a `def`, including endless `def x = expr`."""
    body = defn.child_by_field_name("body")
    if body is not None:
        return body
    skip = {"name", "parameters", "object"}
    last = None
    for i, child in enumerate(defn.children):
        if not child.is_named:
            continue
        if defn.field_name_for_child(i) in skip:
            continue
        last = child
    return last


def last_expression(node: ts.Node | None) -> ts.Node | None:
    """The value-producing expression of a body (its last statement)."""
    while node is not None and node.type in ("body_statement", "begin", "parenthesized_statements", "block_body"):
        named = [c for c in node.named_children if c.type not in ("comment", "rescue", "ensure", "else")]
        if not named:
            return None
        node = named[-1]
    return node


PARAM_KINDS = {
    "identifier": "req",
    "optional_parameter": "opt",
    "splat_parameter": "rest",
    "hash_splat_parameter": "keyrest",
    "hash_splat_nil": "nokey",
    "block_parameter": "block",
    "forward_parameter": "forward",
    "destructured_parameter": "req",
}


def method_params(defn: ts.Node) -> list[tuple[str, str | None]]:
    """(kind, name) for each parameter of a def, kinds as in manifest Param."""
    params = defn.child_by_field_name("parameters")
    out: list[tuple[str, str | None]] = []
    if params is None:
        return out
    for p in params.named_children:
        if p.type == "keyword_parameter":
            name = p.child_by_field_name("name")
            kind = "key" if p.child_by_field_name("value") is not None else "keyreq"
            out.append((kind, text(name) if name is not None else None))
            continue
        kind = PARAM_KINDS.get(p.type)
        if kind is None:
            continue
        name_node = p if p.type == "identifier" else p.child_by_field_name("name")
        out.append((kind, text(name_node) if name_node is not None else None))
    return out


def is_test_path(rel: str) -> bool:
    parts = rel.split("/")
    if any(p in ("test", "tests", "spec", "features") for p in parts[:-1]):
        return True
    name = parts[-1]
    return name.endswith(("_test.rb", "_spec.rb"))
