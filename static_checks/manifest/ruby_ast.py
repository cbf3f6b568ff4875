"""Small helpers over tree-sitter Ruby nodes: literal names, arguments, parameters, statements."""

from __future__ import annotations

from collections.abc import Iterable

import tree_sitter as ts

from static_checks.manifest.model import Param
from static_checks.parsing import ParsedFile


def literal_name(pf: ParsedFile, node: ts.Node | None, binding: dict[str, str] | None = None) -> str | None:
    """The name a symbol/string literal spells, with `#{x}` interpolations from `binding`."""
    if node is None:
        return None
    t = node.type
    if t in ("simple_symbol", "hash_key_symbol"):
        return pf.text(node).lstrip(":").rstrip(":")
    if t in ("bare_symbol", "bare_string"):
        return pf.text(node)
    if t in ("string", "delimited_symbol"):
        out = []
        for c in node.named_children:
            if c.type == "string_content":
                out.append(pf.text(c))
            elif c.type == "interpolation":
                inner = [x for x in c.named_children]
                if len(inner) == 1 and inner[0].type == "identifier" and binding and pf.text(inner[0]) in binding:
                    out.append(binding[pf.text(inner[0])])
                else:
                    return None
            elif c.type == "escape_sequence":
                return None
        return "".join(out)
    if t == "identifier" and binding and pf.text(node) in binding:
        return binding[pf.text(node)]
    return None


def call_args(node: ts.Node) -> list[ts.Node]:
    a = node.child_by_field_name("arguments")
    return list(a.named_children) if a is not None else []


def keyword_args(pf: ParsedFile, args: list[ts.Node]) -> dict[str, ts.Node]:
    out: dict[str, ts.Node] = {}
    for a in args:
        if a.type == "pair":
            k = a.child_by_field_name("key")
            v = a.child_by_field_name("value")
            name = literal_name(pf, k) if k is not None else None
            if name is None and k is not None and k.type == "hash_key_symbol":
                name = pf.text(k)
            if name is not None and v is not None:
                out[name] = v
    return out


def params_of(pf: ParsedFile, params: ts.Node | None) -> list[Param]:
    if params is None:
        return []
    out: list[Param] = []
    for p in params.named_children:
        name_node = p.child_by_field_name("name")
        name = pf.text(name_node) if name_node is not None else None
        t = p.type
        if t == "identifier":
            out.append(Param(kind="req", name=pf.text(p)))
        elif t == "destructured_parameter":
            out.append(Param(kind="req", name=None))
        elif t == "optional_parameter":
            out.append(Param(kind="opt", name=name))
        elif t == "splat_parameter":
            out.append(Param(kind="rest", name=name))
        elif t == "keyword_parameter":
            kind = "key" if p.child_by_field_name("value") is not None else "keyreq"
            out.append(Param(kind=kind, name=name))
        elif t == "hash_splat_parameter":
            out.append(Param(kind="keyrest", name=name))
        elif t == "hash_splat_nil":
            out.append(Param(kind="nokey"))
        elif t == "block_parameter":
            out.append(Param(kind="block", name=name))
        elif t == "forward_parameter":
            out.append(Param(kind="forward"))
    return out


def statements(body: ts.Node | None) -> list[ts.Node]:
    if body is None:
        return []
    if body.type in ("body_statement", "block_body", "program", "begin_block", "parenthesized_statements"):
        return [c for c in body.named_children if c.type != "comment"]
    return [body]


def last_expression(method: ts.Node) -> ts.Node | None:
    body = method.child_by_field_name("body")
    stmts = statements(body)
    return stmts[-1] if stmts else None


def is_local(pf: ParsedFile, method: ts.Node, name: str) -> bool:
    """Whether `name` is a parameter or assigned local of `method` (then a bare `name` is no call)."""
    if any(p.name == name for p in params_of(pf, method.child_by_field_name("parameters"))):
        return True
    stack = [method]
    while stack:
        cur = stack.pop()
        if cur.type in ("assignment", "operator_assignment"):
            left = cur.child_by_field_name("left")
            if left is not None and left.type == "identifier" and pf.text(left) == name:
                return True
        stack.extend(cur.named_children)
    return False


def walk_calls(node: ts.Node) -> Iterable[ts.Node]:
    stack = [node]
    while stack:
        cur = stack.pop()
        if cur.type == "call":
            yield cur
        stack.extend(reversed(cur.named_children))
