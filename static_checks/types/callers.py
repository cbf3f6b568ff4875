"""Where the app calls its own private helpers, and what each call passes to a given parameter.

A private method can only be called without a receiver (or on `self`) from inside its class, so every
call site is visible in the class's own bodies: when all of them pass values of one RubyLLM type, the
parameter has that type (`parse(chat.ask(q))` ... `def parse(response) = response.strip`).

A constructor (`initialize`, reached by `X.new(...)`) and a class method (`X.run(...)`) are called
through the class's name: their call sites are the calls of that name on a constant naming the class,
and the receiver-less ones in its own class methods (`new(...)` inside `def self.run`).
"""

from __future__ import annotations

import tree_sitter as ts

from static_checks.types.scan import FileScan, MethodDef, Scope
from static_checks.types.syntax import ArgShape, arg_shape, pair_value

# A call site passing nothing for the parameter: the default (or nil) applies.
NOT_PASSED = object()


class CallSites:
    """Receiver-less and `self.` calls, by (enclosing class, method name); built once, on first use."""

    def __init__(self, scans: list[FileScan]) -> None:
        self._scans = scans
        self._by_key: dict[tuple[str, str], list[tuple[ts.Node, Scope]]] | None = None
        self._bare: dict[str, list[tuple[ts.Node, Scope]]] | None = None
        # calls on a constant, by method name: (call, scope, the constant as written)
        self._on_const: dict[str, list[tuple[ts.Node, Scope, str]]] | None = None
        self._shapes: dict[int, ArgShape] = {}

    def shape(self, call: ts.Node) -> ArgShape:
        """arg_shape(call), read once per call site (every parameter of a helper asks it again)."""
        found = self._shapes.get(call.id)
        if found is None:
            found = self._shapes[call.id] = arg_shape(call)
        return found

    def of_function(self, name: str) -> list[tuple[ts.Node, Scope]]:
        """Receiver-less calls anywhere that may reach a top-level `def name` (a private method of Object):
        every one outside a class that defines its own `name`. Keeping a doubtful site can only make the
        call sites disagree, never type a parameter wrongly."""
        if self._bare is None:
            self._bare = {}
            for fs in self._scans:
                for call, scope in fs.calls:
                    called = fs.name_of(call)
                    if called and fs.receiver_of(call) is None:
                        self._bare.setdefault(called, []).append((call, scope))
        out = []
        for call, scope in self._bare.get(name, []):
            own = None if scope.cls is None else \
                (scope.cls.smethods if scope.singleton_self else scope.cls.methods).get(name)
            if own is None:
                out.append((call, scope))
        return out

    def of(self, mdef: MethodDef) -> list[tuple[ts.Node, Scope]]:
        if mdef.cls is None:
            return []
        return self._by_key_table().get((mdef.cls.fq, mdef.name), [])

    def of_class(self, cls_fq: str, name: str, resolve) -> list[tuple[ts.Node, Scope]]:
        """Calls of class method `name` of app class `cls_fq` (`new` for its constructor): on a constant
        that `resolve(path, scope)` reads as the class, and receiver-less or on `self` in its class methods."""
        if self._on_const is None:
            self._on_const = {}
            for fs in self._scans:
                for call, scope, called, path in fs.const_calls:
                    if called:
                        self._on_const.setdefault(called, []).append((call, scope, path))
        out = [(call, scope) for call, scope, path in self._on_const.get(name, []) if resolve(path, scope) == cls_fq]
        own = self._by_key_table().get((cls_fq, name), [])
        out += [(call, scope) for call, scope in own if scope.singleton_self]
        return out

    def _by_key_table(self) -> dict[tuple[str, str], list[tuple[ts.Node, Scope]]]:
        if self._by_key is None:
            self._by_key = {}
            for fs in self._scans:
                for call, scope in fs.calls:
                    recv = fs.receiver_of(call)
                    name = fs.name_of(call)
                    if scope.cls is not None and name and (recv is None or recv.type == "self"):
                        self._by_key.setdefault((scope.cls.fq, name), []).append((call, scope))
        return self._by_key


def argument_for(mdef: MethodDef, param: str, call: ts.Node, shape: ArgShape | None = None):
    """The node `call` binds to `param`, NOT_PASSED, or None when the binding cannot be read
    (splats, a parameter after `*rest`, more positionals than the method takes). `shape`: the call's
    arg_shape when already read."""
    if shape is None:
        shape = arg_shape(call)
    if shape.unverifiable:
        return None
    position = 0
    for kind, name in mdef.params:
        if kind == "rest":
            return None
        if kind in ("req", "opt"):
            if name == param:
                if shape.keywords and not any(k in ("key", "keyreq", "keyrest") for k, _ in mdef.params):
                    return None  # braceless keywords would fold into a positional Hash
                if position < len(shape.positional):
                    return shape.positional[position]
                return NOT_PASSED if kind == "opt" else None
            position += 1
        elif kind in ("key", "keyreq") and name == param:
            found = shape.keywords.get(param)
            if found is None:
                return NOT_PASSED if kind == "key" else None
            return pair_value(found)  # `run(context:)` passes the local or method `context`
    return None
