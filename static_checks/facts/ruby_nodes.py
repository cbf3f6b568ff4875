"""Small helpers over tree-sitter Ruby nodes, shared by the fact collectors.

Each parsed file is walked once (NodeIndex); collectors then ask for nodes by type.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import tree_sitter as ts

from static_checks.parsing import ParsedFile

# Readers shared with the rules and the type inferencer (one reading of the syntax).
from static_checks.types.syntax import (
    call_name,
    call_receiver as receiver,
    const_path,
    symbol_value as literal,
)

__all__ = ["NodeIndex", "call_name", "receiver", "const_path", "literal", "args", "kwarg", "ancestors", "enclosing",
           "enclosing_method", "def_name", "class_path", "line_count", "contains", "method_name"]


class NodeIndex:
    """All named nodes of one file bucketed by type, from a single depth-first walk."""

    def __init__(self, pf: ParsedFile):
        self.pf = pf
        self._by_type: dict[str, list[ts.Node]] = defaultdict(list)
        self._calls_by_name: dict[str | None, list[ts.Node]] | None = None
        cursor = pf.root.walk()
        # Iterative pre-order walk with the cursor: no recursion, no per-node child lists.
        while True:
            node = cursor.node
            if node is not None and node.is_named:
                self._by_type[node.type].append(node)
            if cursor.goto_first_child():
                continue
            while not cursor.goto_next_sibling():
                if not cursor.goto_parent():
                    return

    def of(self, *types: str) -> list[ts.Node]:
        if len(types) == 1:
            return self._by_type.get(types[0], [])
        out: list[ts.Node] = []
        for t in types:
            out.extend(self._by_type.get(t, []))
        out.sort(key=lambda n: n.start_byte)
        return out

    def calls(self, *names: str) -> list[ts.Node]:
        """`call` nodes whose method name is one of `names` (all calls when none given)."""
        found = self._by_type.get("call", [])
        if not names:
            return found
        if self._calls_by_name is None:
            self._calls_by_name = defaultdict(list)
            for c in found:
                self._calls_by_name[call_name(c)].append(c)
        if len(names) == 1:
            return self._calls_by_name.get(names[0], [])
        out = [c for n in set(names) for c in self._calls_by_name.get(n, [])]
        out.sort(key=lambda n: n.start_byte)
        return out

    def bare_identifiers(self, *names: str) -> list[ts.Node]:
        """Identifiers used as zero-argument calls or variables (e.g. `skip_forgery_protection`)."""
        wanted = set(names)
        return [n for n in self._by_type.get("identifier", []) if self.pf.text(n) in wanted]


def method_name(pf: ParsedFile, call: ts.Node) -> str | None:
    return call_name(call)


def args(call: ts.Node) -> list[ts.Node]:
    a = call.child_by_field_name("arguments")
    return [n for n in a.named_children if n.type != "comment"] if a is not None else []


def kwarg(pf: ParsedFile, call: ts.Node, key: str) -> ts.Node | None:
    """The value of keyword argument `key:` (or `:key =>`) of a call."""
    for a in args(call):
        pairs = [a] if a.type == "pair" else (a.named_children if a.type == "hash" else [])
        for p in pairs:
            if p.type != "pair":
                continue
            k = p.child_by_field_name("key")
            if k is not None and literal(k) == key:
                return p.child_by_field_name("value")
    return None


def ancestors(node: ts.Node) -> Iterator[ts.Node]:
    cur = node.parent
    while cur is not None:
        yield cur
        cur = cur.parent


def enclosing(node: ts.Node, *types: str) -> ts.Node | None:
    for a in ancestors(node):
        if a.type in types:
            return a
    return None


def enclosing_method(node: ts.Node) -> ts.Node | None:
    return enclosing(node, "method", "singleton_method")


def def_name(pf: ParsedFile, node: ts.Node) -> str | None:
    n = node.child_by_field_name("name")
    return pf.text(n) if n is not None else None


def class_path(pf: ParsedFile, node: ts.Node) -> str:
    """Fully nested name of the class/module enclosing `node` (or of `node` itself)."""
    names: list[str] = []
    chain = [node] + list(ancestors(node))
    for a in chain:
        if a.type in ("class", "module"):
            n = a.child_by_field_name("name")
            if n is not None:
                names.append(pf.text(n))
    return "::".join(reversed(names))


def line_count(node: ts.Node) -> int:
    return node.end_point[0] - node.start_point[0] + 1


def contains(outer: ts.Node, inner: ts.Node) -> bool:
    return outer.start_byte <= inner.start_byte and inner.end_byte <= outer.end_byte
