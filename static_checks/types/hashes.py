"""Hashes that carry RubyLLM values from one place to another: `context = { chat: self, query: q }`,
later read back as `context[:chat]` (often in another class, after `with_indifferent_access`).

A Hash literal whose symbol keys hold typed values is a `plain` TypeRef with `fields` (never checked
itself); reading a key it holds gives that value's type. Anything that may change what a key holds
(`merge`, a `**splat` inside the literal, `to_h` with a block) leaves the result unknown; a variable
holding such a Hash loses the keys that may change in place (types.hash_changes).
"""

from __future__ import annotations

from dataclasses import replace

import tree_sitter as ts

from static_checks.types.interface import Inferer
from static_checks.types.ref import TypeRef
from static_checks.types.scan import Scope
from static_checks.types.syntax import pair_key, pair_value, text

HASH = "Hash"
# Hash methods that hand back the same pairs: (method, indifferent afterwards: True/False, None = unchanged)
_SAME_PAIRS = {"with_indifferent_access": True, "symbolize_keys": False, "deep_symbolize_keys": False,
               "to_h": None, "to_hash": None, "freeze": None, "dup": None, "itself": None}
_READERS = frozenset({"[]", "fetch", "dig"})


def literal_type(infer: Inferer, node: ts.Node, scope: Scope) -> TypeRef | None:
    """`{ chat: self, query: q }`: the typed values of its symbol keys (other keys are read as unknown)."""
    fields: dict[str, TypeRef] = {}
    for pair in node.named_children:
        if pair.type == "comment":
            continue
        if pair.type != "pair":
            return None  # `**other` may put anything under any key
        value = pair_value(pair)
        name = pair_key(pair)
        if name is None or value is None:
            continue
        found = infer.type_of(value, scope)
        if found is not None:
            fields[name] = found
        else:
            fields.pop(name, None)  # a later duplicate key wins
    return TypeRef(HASH, plain=True, fields=tuple(sorted(fields.items()))) if fields else None


def _read_key(t: TypeRef, key: ts.Node | None) -> TypeRef | None:
    """The value under a literal key: a Symbol, or a String once the Hash is indifferent."""
    if key is None or not t.fields:
        return None
    if key.type == "simple_symbol":
        name: str | None = text(key)[1:]
    elif key.type == "string" and t.indifferent and all(c.type == "string_content" for c in key.named_children):
        name = "".join(text(c) for c in key.named_children)
    else:
        name = None
    return dict(t.fields).get(name) if name is not None else None


def element_type(infer: Inferer, node: ts.Node, scope: Scope) -> TypeRef | None:
    """`context[:chat]` on a Hash with typed fields."""
    obj = node.child_by_field_name("object")
    keys = [c for c in node.named_children if obj is None or c.id != obj.id]
    if obj is None or len(keys) != 1:
        return None
    t = infer.type_of(obj, scope)
    return _read_key(t, keys[0]) if t is not None and t.fields else None


def method_type(t: TypeRef, name: str, args: list[ts.Node], block: bool = False) -> TypeRef | None:
    """What a Hash method gives on a Hash with typed fields (`fetch(:chat)`, `with_indifferent_access`);
    `to_h { |k, v| [k, other] }` may map any pair to anything."""
    if name in _SAME_PAIRS and not args and not block:
        indifferent = _SAME_PAIRS[name]
        return t if indifferent is None else replace(t, indifferent=indifferent)
    if name in _READERS and len(args) == 1:
        return _read_key(t, args[0])
    return None


def meet(types: list[TypeRef]) -> TypeRef | None:
    """Hashes from several paths: the keys every one of them holds with one type."""
    common = dict(types[0].fields or ())
    for t in types[1:]:
        other = dict(t.fields or ())
        common = {k: v for k, v in common.items() if other.get(k) == v}
    if not common:
        return None
    return TypeRef(HASH, plain=True, fields=tuple(sorted(common.items())),
                   indifferent=all(t.indifferent for t in types))
