"""Where the app calls its own private helpers, and what each call passes to a given parameter.

A private method can only be called without a receiver (or on `self`) from inside its class, so every
call site is visible in the class's own bodies: when all of them pass values of one RubyLLM type, the
parameter has that type (`parse(chat.ask(q))` ... `def parse(response) = response.strip`).

A constructor (`initialize`, reached by `X.new(...)`) and a class method (`X.run(...)`) are called
through the class's name: their call sites are the calls of that name on a constant naming the class,
and the receiver-less ones in its own class methods (`new(...)` inside `def self.run`).
"""

from __future__ import annotations

import re
from functools import lru_cache

import tree_sitter as ts

from static_checks.parsing import ruby_language
from static_checks.types.scan import FileScan, MethodDef, Scope
from static_checks.types.syntax import ArgShape, arg_shape, pair_value, same_node, text

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
        # method name -> (argument shape, file:line) of its calls on a computed class, read once
        self._computed: dict[str, list[tuple[ArgShape, str]]] | None = None
        self._handed_files: dict[str, dict[str, str]] = {}  # file -> class short name -> where it is handed on
        self._self_class: list | None = None
        self._handed_short: dict[str, str | None] = {}

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

    def unseen_sites(self, cls_fq: str, chain: set[str], called: tuple[str, ...], params, unscanned) -> str | None:
        """Why calls of `called` on class `cls_fq` may come from sites `of_class` cannot list (None when they
        cannot): the class handed on as a value or through a reflective call, `self.class.new(...)` in a
        class of its chain (`chain`: its own, its app modules' and app superclasses' names), `send(:new)` in
        their class methods, or a computed class lookup (`constantize`, `const_get`) in a file that calls
        `called` on something other than a constant (`klass.new(x)`) with arguments `params` (the method's
        parameters) could take: `klass.new(a)` cannot reach an `initialize(a, b)`."""
        if self._self_class is None:
            self._self_class = self._read_self_calls()
        short = cls_fq.rsplit("::", 1)[-1]
        if short not in self._handed_short:
            self._handed_short[short] = self._handed_anywhere(short, unscanned)
        if self._handed_short[short] is not None:
            return f"{self._handed_short[short]}: the class is handed on"
        for rel, call, name, scope, reflective_of in self._self_class:
            reaches = name in called or reflective_of == "*" or reflective_of in called
            if reaches and scope.cls is not None and scope.cls.fq in chain:
                return f"{rel}:{call.start_point[0] + 1}: {name} on the class itself"
        if self._computed is None:
            self._computed = {}
            for pf in [fs.pf for fs in self._scans] + list(unscanned):
                for name, shape, call in _computed_calls(pf):
                    self._computed.setdefault(name, []).append((shape, f"{pf.rel}:{call.start_point[0] + 1}"))
        for name in called:
            for shape, where in self._computed.get(name, ()):
                if could_bind(params, shape):
                    return f"{where}: {name} on a computed class"
        return None

    def _handed_anywhere(self, short: str, unscanned) -> str | None:
        """Where a file hands class `short` on (`Svc = Reply`, `[Reply]`, `Reply.send(:new)`), by its last name
        (a namesake can only untype). Only files naming it other than as `Reply.x` / `Reply::X` are parsed."""
        maybe = re.compile(rb"(?<![\w:@$])" + re.escape(short.encode()) + rb"\b(?![ \t]*::)"
                           rb"(?![ \t]*\.[ \t]*(?!" + _REFLECTIVE_WORDS + rb")\w)")
        for pf in [fs.pf for fs in self._scans] + list(unscanned):
            if short.encode() in pf.source and maybe.search(pf.source) is not None:
                where = self._handed_in(pf).get(short)
                if where is not None:
                    return where
        return None

    def _handed_in(self, pf) -> dict[str, str]:
        """Class short name -> where one file hands it on (read once per file)."""
        found = self._handed_files.get(pf.rel)
        if found is None:
            found = self._handed_files[pf.rel] = handed_on_names(pf)
        return found

    def _read_self_calls(self) -> list:
        """Once per project: calls on the class from its own code (`self.class.x(...)`; `send(:x, ...)` in
        class methods, with the name it sends)."""
        self_class = []
        for fs in self._scans:
            for call, scope in fs.calls:
                if scope.cls is None:
                    continue
                name = fs.name_of(call) or ""
                recv = fs.receiver_of(call)
                sent = _sent_name(call) if name in _REFLECTIVE else None
                on_class = recv is not None and recv.type == "call" and fs.name_of(recv) == "class"
                if on_class and _on_self_class(recv):
                    self_class.append((fs.pf.rel, call, name, scope, sent or ("*" if name in _REFLECTIVE else None)))
                elif sent and (recv is None or recv.type == "self") and scope.singleton_self:
                    self_class.append((fs.pf.rel, call, name, scope, sent))
        return self_class

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


# Calls on a class that hand it (or a proxy of it) to code that may construct it or enqueue it unseen:
# `Reply.send(:new, x)`, `Reply.method(:new)`, `Job.set(wait: 1).perform_later(x)`, `Reply.tap { |k| k.new }`.
_REFLECTIVE = frozenset({
    "send", "public_send", "__send__", "method", "public_method", "instance_method", "set", "tap", "then",
    "yield_self", "itself", "instance_eval", "instance_exec", "class_eval", "class_exec", "module_eval", "allocate",
})
_REFLECTIVE_WORDS = b"(?:" + b"|".join(sorted((n.encode() for n in _REFLECTIVE), key=len, reverse=True)) + \
    rb")(?![\w?!])"
# Calls that only compare or test a class given as an argument, or double it in a test without building it.
READS_CLASS = frozenset({
    "is_a?", "kind_of?", "instance_of?", "===", "==", "!=", "eql?", "equal?", "<", "<=", ">", ">=", "in?",
    "instance_double", "instance_spy",
})
_CLASS_NODES = frozenset({"class", "module"})
_PURE_PLACES = frozenset({"when", "in_clause", "exceptions", "pattern"})
# A class looked up by a computed name: its calls are sites no constant names.
_DYNAMIC_LOOKUP = re.compile(rb"\b(?:safe_)?constantize\b|\bconst_get\b")


def _computed_calls(pf) -> list[tuple[str, ArgShape, ts.Node]]:
    """In a file that looks a class up by a computed name: calls on a receiver that is no constant and
    not `self` (`klass.new(x)`), with their argument shapes; none in any other file."""
    found = []
    if _DYNAMIC_LOOKUP.search(pf.source) is not None:
        for call in ts.QueryCursor(_calls_query()).captures(pf.root).get("c", []):
            recv = call.child_by_field_name("receiver")
            name = call.child_by_field_name("method")
            if recv is not None and name is not None and recv.type not in _NAMED_RECEIVERS:
                found.append((text(name), arg_shape(call), call))
    return found


def handed_on_names(pf) -> dict[str, str]:
    """Short names of the classes a file hands on (see _handed_on) -> the first place, file:line."""
    out: dict[str, str] = {}
    for node in outermost_constants(pf.root):
        if _handed_on(node):
            last = node.child_by_field_name("name") if node.type == "scope_resolution" else node
            out.setdefault(text(last or node), f"{pf.rel}:{node.start_point[0] + 1}")
    return out


def _handed_on(const: ts.Node) -> bool:
    """A reference to a class that may reach code building it where no `X.new` names it: the class as a
    value (`Svc = Reply`, `[Reply, Other]`, `register(Reply)`, `RSpec.describe Reply`), or a reflective call
    on it. Its definition, a direct call, and class tests (`is_a?(Reply)`, `when Reply`) do not."""
    parent = const.parent
    if parent is None:
        return False
    kind = parent.type
    if kind in _CLASS_NODES and same_node(parent.child_by_field_name("name"), const):
        return False
    if kind == "call" and same_node(parent.child_by_field_name("receiver"), const):
        name = parent.child_by_field_name("method")
        return name is not None and text(name) in _REFLECTIVE
    if kind == "argument_list" and parent.parent is not None and parent.parent.type == "call":
        name = parent.parent.child_by_field_name("method")
        return name is None or text(name) not in READS_CLASS
    if kind == "binary":
        op = parent.child_by_field_name("operator")
        return op is None or text(op) not in READS_CLASS
    return kind not in _PURE_PLACES


_NAMED_RECEIVERS = frozenset({"constant", "scope_resolution", "self"})


def could_bind(params: list[tuple[str, str | None]], shape: ArgShape) -> bool:
    """May a call passing `shape` bind to a method with `params` ((kind, name) as MethodDef has them)?
    Unreadable shapes (splats) may."""
    if shape.unverifiable:
        return True
    kinds = [k for k, _ in params]
    has_keywords = any(k in ("key", "keyreq", "keyrest") for k in kinds)
    given = len(shape.positional) + (1 if shape.keywords and not has_keywords else 0)
    required = kinds.count("req")
    if given < required or ("rest" not in kinds and "forward" not in kinds and given > required + kinds.count("opt")):
        return False
    if not has_keywords or "forward" in kinds:
        return True
    named = {n for k, n in params if k in ("key", "keyreq")}
    if "keyrest" not in kinds and any(k not in named for k in shape.keywords):
        return False
    return all(n in shape.keywords for k, n in params if k == "keyreq")


@lru_cache(maxsize=1)
def _calls_query() -> ts.Query:
    return ts.Query(ruby_language(), "(call) @c")


@lru_cache(maxsize=1)
def _constants_query() -> ts.Query:
    return ts.Query(ruby_language(), "(constant) @c (scope_resolution) @c")


def outermost_constants(root: ts.Node) -> list[ts.Node]:
    """`Reply` and `A::B` as written, not the parts of a longer path."""
    found = ts.QueryCursor(_constants_query()).captures(root).get("c", [])
    return [n for n in found if n.parent is None or n.parent.type != "scope_resolution"]


def _on_self_class(recv: ts.Node | None) -> bool:
    """`self.class` (or a bare `class` call is impossible): the receiver of `self.class.new(...)`."""
    if recv is None or recv.type != "call":
        return False
    name = recv.child_by_field_name("method")
    inner = recv.child_by_field_name("receiver")
    return name is not None and text(name) == "class" and inner is not None and inner.type == "self"


def _sent_name(call: ts.Node) -> str | None:
    """`send(:new, ...)` / `method(:new)` -> "new"; "*" when the name is computed."""
    args = call.child_by_field_name("arguments")
    first = args.named_children[0] if args is not None and args.named_children else None
    if first is None:
        return None
    return text(first)[1:] if first.type == "simple_symbol" else "*"


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
