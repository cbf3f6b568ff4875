"""Readers over tree-sitter Ruby nodes: the one module the rules, the type inferencer, the fact
collectors and the manifest extractor share (constant paths, call parts, arguments, parameters,
literals, enclosing scopes, and a per-file index of nodes by type).

Kept free of any typing logic so every consumer reads the syntax the same way. Walks are iterative.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import tree_sitter as ts

from grader.core.budget import PER_FILE, Deadline, OverBudget, file_deadline
from static_checks.manifest.model import Param

if TYPE_CHECKING:
    from static_checks.parsing import ParsedFile


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


def pair_value(pair: ts.Node) -> ts.Node | None:
    """The node a `k: v` pair holds. Ruby 3.1's `{ chat: }` / `f(chat:)` omits the value and means
    `chat: chat`: the key itself then stands for the local or method of its name."""
    return pair.child_by_field_name("value") or pair.child_by_field_name("key")


def same_node(a: ts.Node | None, b: ts.Node) -> bool:
    """Is `a` the very node `b` (by identity in the tree, not by equal text)?"""
    return a is not None and a.id == b.id


def is_shorthand_key(key: ts.Node) -> bool:
    """Is this the key of a `{ chat: }` pair, read as the local or method `chat` (see pair_value)?"""
    pair = key.parent
    return pair is not None and pair.type == "pair" and pair_value(pair) == key


@dataclass
class ArgShape:
    """How a call passes its arguments, read the way Ruby 3 binds them."""

    positional: list[ts.Node] = field(default_factory=list)
    keywords: dict[str, ts.Node] = field(default_factory=dict)
    # splats, `**h`, `...`, `&blk`, non-Symbol keys: arity cannot be proven from the source.
    unverifiable: bool = False
    has_block_pass: bool = False
    # `**h` was the only thing that made it unverifiable: its keys are unknown, but the keywords
    # written beside it are still passed whatever `h` holds
    only_keyword_splat: bool = False


def arg_shape(call: ts.Node) -> ArgShape:
    shape = ArgShape()
    args = call.child_by_field_name("arguments")
    if args is None:
        return shape
    keyword_splat = other = False
    for arg in args.named_children:
        t = arg.type
        if t == "pair":
            key = pair_key(arg)
            if key is None:
                other = shape.unverifiable = True
            else:
                shape.keywords[key] = arg
        elif t == "hash_splat_argument":
            keyword_splat = True
            shape.unverifiable = True
        elif t in ("splat_argument", "forward_argument"):
            other = shape.unverifiable = True
        elif t == "block_argument":
            shape.has_block_pass = True
            other = shape.unverifiable = True
        elif t in ("comment", "heredoc_body"):
            continue  # `ask(<<~P` ... `P\n)`: the body of a heredoc argument sits in the list, it is not one
        else:
            shape.positional.append(arg)
    shape.only_keyword_splat = keyword_splat and not other
    return shape


def first_arg(call: ts.Node) -> ts.Node | None:
    args = call.child_by_field_name("arguments")
    if args is None:
        return None
    for arg in args.named_children:
        if arg.type not in ("comment", "heredoc_body"):
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


@lru_cache(maxsize=8192)
def is_test_path(rel: str) -> bool:
    """A test file (under test/, spec/, features/, or named *_test.rb / *_spec.rb); asked of the same paths by
    many rules and collectors, so answered once per path."""
    parts = rel.split("/")
    if any(p in ("test", "tests", "spec", "features") for p in parts[:-1]):
        return True
    name = parts[-1]
    return name.endswith(("_test.rb", "_spec.rb"))


# ---- per-file node index and enclosing scopes (the fact collectors) ----------------------
class NodeIndex:
    """All named nodes of one file bucketed by type, from a single depth-first walk."""

    def __init__(self, pf: ParsedFile):
        self.pf = pf
        self._by_type: dict[str, list[ts.Node]] = defaultdict(list)
        self._calls_by_name: dict[str | None, list[ts.Node]] | None = None
        deadline = file_deadline()
        try:
            self._walk(deadline)
        except OverBudget as exc:
            if deadline.what != PER_FILE:
                raise
            # Past its own budget the file is reported as skipped and looks empty to every collector.
            pf.over_budget = f"not analysed by the fact collectors: {exc}"
            self._by_type = defaultdict(list)

    def _walk(self, deadline: Deadline) -> None:
        cursor = self.pf.root.walk()
        seen = 0
        # Iterative pre-order walk with the cursor: no recursion, no per-node child lists.
        while True:
            node = cursor.node
            if node is not None and node.is_named:
                self._by_type[node.type].append(node)
            seen += 1
            if seen % 1024 == 0:
                deadline.check()
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


def args(call: ts.Node) -> list[ts.Node]:
    a = call.child_by_field_name("arguments")
    return [n for n in a.named_children if n.type not in ("comment", "heredoc_body")] if a is not None else []


def kwarg(pf: ParsedFile, call: ts.Node, key: str) -> ts.Node | None:
    """The value of keyword argument `key:` (or `:key =>`) of a call."""
    for a in args(call):
        pairs = [a] if a.type == "pair" else (a.named_children if a.type == "hash" else [])
        for p in pairs:
            if p.type != "pair":
                continue
            k = p.child_by_field_name("key")
            if k is not None and symbol_value(k) == key:
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


# ---- literals, arguments and parameters as the manifest extractor reads them --------------
# attr_* macros -> (defines a reader, defines a writer): the one table of them, read in app code by
# models_world/declarations.py (every name a class body declares, the ivar readers types.scan asks for) and
# in the gem's code by the manifest extractor (manifest/extract_state.py).
ATTR_MACROS = {"attr_reader": (True, False), "attr_writer": (False, True), "attr_accessor": (True, True),
               "attr": (True, False)}


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


def method_last_statement(method: ts.Node) -> ts.Node | None:
    """The last statement of a def's body (compare last_expression, which unwraps a body node)."""
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


# Kernel's calls of the method their first argument names (`send` and `__send__` reach private ones too).
SEND_BY_NAME = frozenset({"send", "public_send", "__send__"})


def walk_calls(node: ts.Node) -> Iterable[ts.Node]:
    stack = [node]
    while stack:
        cur = stack.pop()
        if cur.type == "call":
            yield cur
        stack.extend(reversed(cur.named_children))
