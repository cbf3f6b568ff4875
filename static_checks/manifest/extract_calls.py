"""Which gem methods each gem method may call, read from its body (the manifest's call graph).

Mixed into Extractor. Rules use it to ask whether an app path can reach a gem method at all
(a test stub of `RubyLLM.embed` fires only if something calls it). Every edge is an over-approximation
of what the body can call, so "no path" is a safe conclusion and "a path" is only a maybe:
  "C.m"     a singleton call on the constant C (resolved lexically, as Ruby does)
  "self.m"  a call on self (bare or `self.m`): the method's own side of its owner
  "?.m"     a call on anything else (a local, an ivar, a call's result, `super`)
  "?.*"     a dynamic `send`/`public_send` whose name the source does not show
  "class.m" a call on `self.class`: the owner or a subclass of it, so any body named m
  "class.*" a dynamic `send` on `self.class`: any class-side body of the owner, its subclasses and
            the modules they extend, or any `initialize` of theirs
  "*.m"     a call on a class the source does not name (`x.class.m`, `name.constantize.m`,
            `const_get(n).m`): any gem body named m, of any class ("*.*": anything)
Constants the gem uses as values (assigned, passed, returned, in a collection) are listed too: an
unknown receiver `?.m` may be such a class or module, never one that is only ever written as a receiver.
"""

from __future__ import annotations

import tree_sitter as ts

from static_checks.manifest.extract_state import Deferred
from static_checks.manifest.ruby_ast import literal_name, params_of
from static_checks.parsing import ParsedFile
from static_checks.types.syntax import SEND_BY_NAME

CONSTANT_NODES = ("constant", "scope_resolution")
# Calls that run the method their first argument names: an edge of the gem's call graph to that name
# (ActiveSupport's `try`/`try!` call it like `public_send` when the receiver has it).
CALLS_BY_NAME = SEND_BY_NAME | {"try", "try!"}
# Calls whose value is a class the source does not name: `self.class` may be any subclass of the owner at run
# time, and a computed lookup any class at all.
CLASS_OF = frozenset({"class", "constantize", "safe_constantize", "const_get"})
# Calls whose constant arguments are compared or raised, not kept as values.
NON_VALUE_ARGS = frozenset({
    "is_a?", "kind_of?", "instance_of?", "raise", "fail", "include", "extend", "prepend", "include?", "rescue",
    "const_defined?", "<=", "<", "==", "===", "respond_to?",
})
# Parents that make a constant a kept value (the constant is what is stored, passed or returned).
VALUE_PARENTS = frozenset({
    "assignment", "operator_assignment", "pair", "array", "return", "binary", "conditional",
    "body_statement", "then", "else", "parenthesized_statements", "begin", "block_body",
})


# Methods with no def body that still call something: a delegate calls its target, a method_missing
# answer calls what it forwards to.
BODILESS_CALLERS = frozenset({"delegate", "method_missing"})


class CallGraph:
    """Needs Extractor's `ns`, `files`, `resolve` and `_qualify`."""

    def _call_graph(self) -> dict[str, list[str]]:
        graph: dict[str, list[str]] = {}
        for fq, b in sorted(self.ns.items()):  # type: ignore[attr-defined]
            if not fq:
                continue
            for (singleton, name), (pf, node, nesting) in [*b.block_bodies.items(), *b.bodies.items()]:
                graph[f"{fq}{'.' if singleton else '#'}{name}"] = sorted(self._body_edges(pf, node, nesting, name))
            for singleton, side in ((False, b.inst), (True, b.sing)):
                for name, sig in side.items():
                    key = f"{fq}{'.' if singleton else '#'}{name}"
                    if key not in graph and sig.origin in BODILESS_CALLERS:
                        graph[key] = _bodiless_edges(b.forwards.get((singleton, name)), name)
            for singleton, new, old in b.aliases:  # `alias x y`: x runs y's body
                side = "." if singleton else "#"
                if f"{fq}{side}{old}" in graph:
                    graph[f"{fq}{side}{new}"] = graph[f"{fq}{side}{old}"]
            for name, sig in b.sing.items():  # module_function: the singleton copy runs the instance body
                if sig.origin == "module_function" and f"{fq}#{name}" in graph:
                    graph[f"{fq}.{name}"] = graph[f"{fq}#{name}"]
        return graph

    def _body_edges(self, pf: ParsedFile, method: ts.Node, nesting: list[str], own_name: str) -> set[str]:
        edges: set[str] = set()
        locals_ = _locals(pf, method)
        stack = [method.child_by_field_name("body")] if method.child_by_field_name("body") is not None else []
        while stack:
            cur = stack.pop()
            t = cur.type
            if t == "call":
                self._call_edges(pf, cur, nesting, edges)
            elif t == "super":
                edges.add(f"?.{own_name}")
            elif t == "identifier" and _bare_call(cur) and pf.text(cur) not in locals_:
                edges.add(f"self.{pf.text(cur)}")
            elif t == "block_argument":  # `map(&:embed)`
                sym = literal_name(pf, cur.named_children[0]) if cur.named_children else None
                if sym:
                    edges.add(f"?.{sym}")
            stack.extend(cur.named_children)
        return edges

    def _call_edges(self, pf: ParsedFile, call: ts.Node, nesting: list[str], edges: set[str]) -> None:
        meth_node, recv = call.child_by_field_name("method"), call.child_by_field_name("receiver")
        if meth_node is None:
            return
        name = pf.text(meth_node)
        if name in CALLS_BY_NAME:
            args = call.child_by_field_name("arguments")
            first = args.named_children[0] if args is not None and args.named_children else None
            name = literal_name(pf, first) or "*"
        for target in self._receivers(pf, recv, nesting):
            edges.add(f"{target}.{name}")

    def _receivers(self, pf: ParsedFile, recv: ts.Node | None, nesting: list[str]) -> list[str]:
        """What a receiver may be: "self", resolved constants, or "?" (anything)."""
        if recv is None or recv.type == "self":
            return ["self"]
        if recv.type in CONSTANT_NODES:
            return [self.resolve(Deferred(pf.text(recv), nesting))]  # type: ignore[attr-defined]
        if recv.type == "call" and recv.child_by_field_name("method") is not None \
                and pf.text(recv.child_by_field_name("method")) in CLASS_OF:
            inner = recv.child_by_field_name("receiver")
            if pf.text(recv.child_by_field_name("method")) == "class" and inner is not None and inner.type == "self":
                return ["class"]  # `self.class.refresh!`: the owner, or a subclass of it
            return ["*"]  # `x.class.m`, `name.constantize.new`: a class we cannot name
        if recv.type == "parenthesized_statements":  # `(context || RubyLLM).chat`: each side, and anything
            consts = [c for c in _alternatives(recv) if c.type in CONSTANT_NODES]
            return ["?"] + [self.resolve(Deferred(pf.text(c), nesting)) for c in consts]  # type: ignore[attr-defined]
        return ["?"]

    def _value_constants(self) -> list[str]:
        """Constants the gem's code uses as values (see the module docstring)."""
        out: set[str] = set()
        for pf in self.files:  # type: ignore[attr-defined]
            self._values_in(pf, pf.root, [], out)
        return sorted(out)

    def _values_in(self, pf: ParsedFile, node: ts.Node, nesting: list[str], out: set[str]) -> None:
        for c in node.named_children:
            if c.type in ("module", "class") and c.child_by_field_name("name") is not None:
                fq = self._qualify(pf.text(c.child_by_field_name("name")), nesting)  # type: ignore[attr-defined]
                sup = c.child_by_field_name("superclass")
                body = c.child_by_field_name("body")
                if sup is not None:
                    self._values_in(pf, sup, nesting, out)
                if body is not None:
                    self._values_in(pf, body, nesting + [fq], out)
                continue
            if c.type in CONSTANT_NODES and _is_value(c):
                out.add(self.resolve(Deferred(pf.text(c), nesting)))  # type: ignore[attr-defined]
                continue
            if c.type in CONSTANT_NODES:
                continue  # `A::B` as a receiver or scope: neither part is a value
            self._values_in(pf, c, nesting, out)


def _bodiless_edges(forward: tuple | None, name: str) -> list[str]:
    """`delegate :x, to: :via` calls `via` on self, then `x` on what it returns."""
    if forward is not None and forward[0] == "self" and "." in forward[2].lstrip("#."):
        via, _, meth = forward[2].lstrip("#.").partition(".")
        return sorted({f"self.{via}", f"?.{meth}"})
    return [f"?.{name}"]


def _locals(pf: ParsedFile, method: ts.Node) -> set[str]:
    """Parameters and assigned locals of a def (a bare one of these names is no call)."""
    out = {p.name for p in params_of(pf, method.child_by_field_name("parameters")) if p.name}
    stack = [method]
    while stack:
        cur = stack.pop()
        if cur.type in ("assignment", "operator_assignment"):
            left = cur.child_by_field_name("left")
            if left is not None and left.type == "identifier":
                out.add(pf.text(left))
            elif left is not None and left.type == "left_assignment_list":  # `model, provider = ...`
                out.update(pf.text(c) for c in left.named_children if c.type == "identifier")
        stack.extend(cur.named_children)
    return out


def _bare_call(node: ts.Node) -> bool:
    """A lone identifier in expression position (not a parameter, a block parameter or an assignment target)."""
    parent = node.parent
    if parent is None:
        return False
    if parent.type in ("assignment", "operator_assignment") and parent.child_by_field_name("left") == node:
        return False
    if parent.type in ("call", "method", "singleton_method", "pair", "keyword_parameter", "optional_parameter",
                       "block_parameters", "method_parameters", "lambda_parameters", "splat_parameter",
                       "hash_splat_parameter", "block_parameter", "destructured_parameter", "exceptions",
                       "exception_variable", "for", "left_assignment_list", "rest_assignment"):
        # a call's method/receiver names are handled as the call; parameters and targets are no calls
        return parent.type == "call" and parent.child_by_field_name("receiver") == node
    return True


def _alternatives(paren: ts.Node) -> list[ts.Node]:
    """The operands of `a || b`, `a && b`, `c ? a : b` inside parentheses (one level of nesting each)."""
    stack, out = list(paren.named_children), []
    while stack:
        cur = stack.pop()
        if cur.type in ("binary", "conditional", "parenthesized_statements"):
            stack.extend(cur.named_children)
        else:
            out.append(cur)
    return out


def _is_value(node: ts.Node) -> bool:
    parent = node.parent
    if parent is None:
        return False
    if parent.type == "argument_list":
        call = parent.parent
        meth = call.child_by_field_name("method") if call is not None and call.type == "call" else None
        return meth is None or meth.text.decode() not in NON_VALUE_ARGS
    if parent.type == "parenthesized_statements" and parent.parent is not None and parent.parent.type == "call" \
            and parent.parent.child_by_field_name("receiver") == parent:
        return False  # `(RubyLLM).chat`: a receiver
    if parent.type == "binary":
        # `(context || RubyLLM).chat`: a receiver's alternative, read as such by _receivers
        up = parent.parent
        if up is not None and up.type == "parenthesized_statements" and up.parent is not None \
                and up.parent.type == "call" and up.parent.child_by_field_name("receiver") == up:
            return False
        op = parent.child_by_field_name("operator")
        return op is not None and op.text.decode() in ("||", "&&", "or", "and")
    return parent.type in VALUE_PARENTS
