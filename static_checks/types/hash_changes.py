"""Which keys of a Hash typed by key (types.hashes) may hold something else by the time it is read.

`context = { chat: chat }` types `context[:chat]` only while nothing can put another value under
`:chat`. A variable holding the Hash is followed through the code that can see it (a local or parameter:
its method, blocks included; an ivar: every body of its class, included app modules and superclasses):
`h[:chat] = x`, `h[:chat] ||= x`, `h.store(:chat, x)`, `h.delete(:chat)`, `h.merge!(chat: x)` /
`h.update(...)` change the keys they name (all keys when the names cannot be read); any other in-place
change (`transform_values!`, `replace`, `clear`, a `!` method, `send`, a block given `h` by `tap`), storing
it where we do not follow it, or passing it to a method that may change it changes every key. A method
of the app whose parameter receives it is followed the same way; any other method (the gem's, Rails',
one we cannot name) may change it. The check ignores order: a change anywhere in that code untypes the
key for every read, which can only lose a type, never give a wrong one.
"""

from __future__ import annotations

import tree_sitter as ts

from static_checks.manifest.core import private_kernel_methods
from static_checks.types.callers import argument_for
from static_checks.types.scan import ClassDef, MethodDef, Scope
from static_checks.types.syntax import (
    SEND_BY_NAME, call_name, const_path, def_body, is_shorthand_key, last_expression, pair_key, same_node, symbol_value,
    text,
)

ALL = "*"  # every key may change
_NONE: frozenset[str] = frozenset()
_EVERY = frozenset({ALL})
_MAX_DEPTH = 60
# In-place changes of the keys they name in their first argument.
_KEYED = frozenset({"store", "delete", "[]="})
# In-place merges: the keys of a literal or keyword argument, else every key.
_MERGING = frozenset({"merge!", "update", "deep_merge!", "reverse_merge!", "reverse_update", "with_defaults!"})
# Changes in place without a `!`, or hand the Hash itself to code we do not follow (a block, a computed name).
_CHANGERS = frozenset({
    "replace", "clear", "delete_if", "keep_if", "shift", "compare_by_identity", "default=", "default_proc=",
    "rehash", "tap", "then", "yield_self", "instance_eval", "instance_exec", "instance_variable_set",
}) | SEND_BY_NAME
# Calls whose value is the receiver itself (Hash#to_h without a block, `itself`, `freeze`): a use of it is
# a use of the Hash.
_SAME_OBJECT = frozenset({"to_h", "to_hash", "itself", "freeze"})
_NEW_SCOPES = frozenset({"method", "singleton_method", "class", "module", "singleton_class"})
_NEW_SELF = frozenset({"class", "module", "singleton_class"})
# Receiver-less calls that only read their arguments (print, raise, format...), unless the class defines them.
_READ_ONLY_FUNCTIONS = frozenset({"puts", "p", "pp", "print", "warn", "raise", "fail", "format", "sprintf"})


def without_changed(t, changed: frozenset[str]):
    """`t` (a Hash typed by key) without the keys that may change; None when no typed key is left."""
    if not changed or not t.fields:
        return t
    if ALL in changed:
        return None
    from dataclasses import replace

    kept = tuple((k, v) for k, v in t.fields if k not in changed)
    return replace(t, fields=kept) if kept else None


class HashChanges:
    """Keys of Hash-holding variables that may change, per (scope, local) and (class, ivar); read on demand."""

    def __init__(self, project, function_of) -> None:
        self.project = project
        self._function_of = function_of  # name -> the app's one top-level def, or None
        self._locals: dict[tuple[int, str], frozenset[str]] = {}
        self._ivars: dict[tuple[str, str], frozenset[str]] = {}
        self._def_scopes: dict[int, dict[int, Scope]] = {}  # id(ClassDef) -> def node id -> its scope
        self._depth = 0  # nested uses being read: a hostile chain must not exhaust Python's stack

    # ---- holders ---------------------------------------------------------------------------
    def of_local(self, name: str, scope: Scope) -> frozenset[str]:
        """A local or parameter of `scope` (its blocks included, blocks binding the same name excluded)."""
        key = (id(scope), name)
        if key not in self._locals:
            self._locals[key] = _NONE  # a loop through aliases adds nothing new
            found: set[str] = set()
            for node in _occurrences(scope.node, name, ("identifier", "hash_key_symbol")):
                if scope.block_binding(name, node.start_byte) is not None:
                    continue
                if node.type == "hash_key_symbol" and not is_shorthand_key(node):
                    continue
                found |= self._use(node, scope)
                if ALL in found:
                    break
            self._locals[key] = frozenset(found)
        return self._locals[key]

    def of_ivar(self, scope: Scope, name: str) -> frozenset[str]:
        """An ivar of the class `scope` runs in (its app chain); top-level ivars of a file: that file."""
        cls = scope.cls
        app = self.project.classes.get(cls.fq) if cls is not None else None
        bodies: list[ClassDef] = [d for c in app.chain() for d in c.defs] if app is not None else []
        holder = app.fq if app is not None else f"<top:{scope.file.pf.rel}>"
        key = (holder, name)
        if key not in self._ivars:
            self._ivars[key] = _NONE
            self._ivars[key] = frozenset(self._ivar_changes(bodies, scope, name))
        return self._ivars[key]

    def _ivar_changes(self, bodies: list[ClassDef], scope: Scope, name: str) -> set[str]:
        if any(name[1:] in d.readers for d in bodies):
            return set(_EVERY)  # attr_reader hands the Hash to callers we do not follow
        regions = [(d.node, d) for d in bodies] or [(scope.file.pf.root, None)]
        found: set[str] = set()
        for region, cdef in regions:
            for node in _occurrences(region, name, ("instance_variable",)):
                where = self._scope_at(node, cdef, scope.file.program if cdef is None else None)
                if where is None or _returned(node):
                    return set(_EVERY)  # used outside a def we can name, or handed out by a method
                found |= self._use(node, where)
                if ALL in found:
                    return found
        return found

    def _scope_at(self, node: ts.Node, cdef: ClassDef | None, outside: Scope | None) -> Scope | None:
        """The scope of an ivar use: its def in that class body; `outside` when it is in no def (a file's top
        level); None when we cannot name it (a class body). Each body's defs are indexed once."""
        cur = node.parent
        while cur is not None and cur.type not in ("method", "singleton_method"):
            cur = cur.parent
        if cur is None or cdef is None:
            return outside if cur is None else None
        scopes = self._def_scopes.get(id(cdef))
        if scopes is None:
            scopes = self._def_scopes[id(cdef)] = {
                mdef.node.id: mdef.scope for table in (cdef.methods, cdef.smethods) for mdef in table.values()}
        return scopes.get(cur.id)

    # ---- one use -------------------------------------------------------------------------
    def _use(self, node: ts.Node, scope: Scope) -> frozenset[str] | set[str]:
        """The keys one use of the Hash may change; past _MAX_DEPTH nested uses (`h.itself.itself...`, a
        chain of hundreds of aliases or helpers) every key, which can only lose a type, never add one."""
        if self._depth >= _MAX_DEPTH:
            return _EVERY
        self._depth += 1
        try:
            return self._one_use(node, scope)
        finally:
            self._depth -= 1

    def _one_use(self, node: ts.Node, scope: Scope) -> frozenset[str] | set[str]:
        parent = node.parent
        while parent is not None and parent.type == "parenthesized_statements" and parent.named_child_count == 1:
            node, parent = parent, parent.parent
        if parent is None:
            return _NONE
        kind = parent.type
        if kind == "element_reference" and same_node(parent.child_by_field_name("object"), node):
            holder = parent.parent
            if holder is not None and holder.type in ("assignment", "operator_assignment") \
                    and same_node(holder.child_by_field_name("left"), parent):
                keys = [c for c in parent.named_children if not same_node(c, node)]
                return _key_changes(keys[0] if len(keys) == 1 else None)
            return _NONE
        if kind == "call" and same_node(parent.child_by_field_name("receiver"), node):
            return self._method_use(parent, scope)
        if kind in ("assignment", "operator_assignment") and same_node(parent.child_by_field_name("right"), node):
            return self._stored(parent.child_by_field_name("left"), scope)
        if kind == "argument_list":
            return self._passed(parent.parent, node, scope)
        if kind == "pair" and (node.type == "hash_key_symbol" or same_node(parent.child_by_field_name("value"), node)):
            container = parent.parent  # `f(context: h)` / `f(context:)`, or a Hash literal holding it
            if container is not None and container.type == "argument_list":
                return self._passed(container.parent, node, scope)
            return _EVERY
        if kind in ("array", "pair", "hash", "yield", "return", "element_reference") or kind.endswith("_argument"):
            # inside another collection, yielded, or returned: followed no further (`*h`/`**h` copy it)
            return _NONE if kind in ("splat_argument", "hash_splat_argument", "return") else _EVERY
        return _NONE

    def _method_use(self, call: ts.Node, scope: Scope) -> frozenset[str] | set[str]:
        name = call_name(call) or ""
        if name in _SAME_OBJECT and not (name == "to_h" and call.child_by_field_name("block") is not None):
            return self._use(call, scope)
        args = [a for a in (call.child_by_field_name("arguments").named_children
                            if call.child_by_field_name("arguments") is not None else []) if a.type != "comment"]
        if name in _KEYED:
            return _key_changes(args[0] if args else None)
        if name in _MERGING:
            return _merged_keys(args)
        if name.endswith("!") or name in _CHANGERS:
            return _EVERY
        return _NONE

    def _stored(self, left: ts.Node | None, scope: Scope) -> frozenset[str]:
        """`x = h` / `@x = h`: the Hash is also reached through x."""
        if left is not None and left.type == "identifier":
            return self.of_local(text(left), scope)
        if left is not None and left.type == "instance_variable":
            return self.of_ivar(scope, text(left))
        return _EVERY  # `obj.x = h`, `X = h`, `a, b = h`...

    def _passed(self, call: ts.Node | None, node: ts.Node, scope: Scope) -> frozenset[str]:
        """`helper(h)`, `Svc.new(context: h)`: what the receiving method may do to it."""
        if call is None or call.type != "call":
            return _EVERY  # `super(h)`, `yield h`...
        name = call_name(call) or ""
        mdef = self._callee(call, name, scope)
        if mdef is None:
            if call.child_by_field_name("receiver") is None and name in _READ_ONLY_FUNCTIONS \
                    and name in private_kernel_methods():
                return _NONE
            return _EVERY
        for _kind, param in mdef.params:
            if param and same_node(_bound(mdef, param, call), node):
                return self.of_local(param, mdef.scope)
        return _EVERY  # through a splat, or a binding we cannot read

    def _callee(self, call: ts.Node, name: str, scope: Scope) -> MethodDef | None:
        """The app method a call runs, when the call names it plainly (`helper(h)`, `self.x(h)`,
        `Svc.new(h)`, `Svc.run(h)`); None for anything else."""
        recv = call.child_by_field_name("receiver")
        if recv is None or recv.type == "self":
            if scope.cls is None:
                return self._function_of(name) if recv is None else None
            app = self.project.classes.get(scope.cls.fq)
            if app is None:
                return None
            if name == "new" and scope.singleton_self:
                return app.find_def("initialize", False)
            return app.find_def(name, scope.singleton_self)
        path = const_path(recv)
        app = self.project.lookup_class(path, scope.nesting) if path else None
        if app is None:
            return None
        return app.find_def("initialize", False) if name == "new" else app.find_def(name, True)


def _bound(mdef: MethodDef, param: str, call: ts.Node):
    found = argument_for(mdef, param, call)
    return found if isinstance(found, ts.Node) else None


def _key_changes(key: ts.Node | None) -> frozenset[str]:
    """`h[:chat] = x` / `h.store("chat", x)` / `h.delete(:chat)`: that key (by name, string or Symbol)."""
    name = symbol_value(key) if key is not None and key.type in ("simple_symbol", "string") else None
    return frozenset({name}) if name else _EVERY


def _merged_keys(args: list[ts.Node]) -> frozenset[str]:
    """`h.merge!(chat: x)` / `h.update({ chat: x })`: the keys written; every key for anything else."""
    pairs: list[ts.Node] = []
    for a in args:
        if a.type == "pair":
            pairs.append(a)
        elif a.type == "hash":
            pairs.extend(c for c in a.named_children if c.type != "comment")
        else:
            return _EVERY
    keys = [pair_key(p) if p.type == "pair" else None for p in pairs]
    return _EVERY if not keys or any(k is None for k in keys) else frozenset(k for k in keys if k)


def _occurrences(region: ts.Node, name: str, types: tuple[str, ...]):
    """Nodes of `types` spelling `name` inside `region`, not inside a nested def/class (their own scope)."""
    want = name.encode()
    stack = [region]
    while stack:
        node = stack.pop()
        if node.type in types and node.text == want:
            yield node
            continue
        for child in node.children:
            if child.type not in _NEW_SCOPES or (types == ("instance_variable",) and child.type not in _NEW_SELF):
                stack.append(child)


def _returned(node: ts.Node) -> bool:
    """`@h` as the value a method hands back (its last expression, or `return @h`): callers may change it."""
    parent = node.parent
    if parent is not None and parent.type == "return":
        return True
    if parent is not None and parent.type == "argument_list" and parent.parent is not None \
            and parent.parent.type == "return":
        return True
    cur = node
    while cur.parent is not None and cur.parent.type in ("method", "singleton_method", "body_statement"):
        if cur.parent.type in ("method", "singleton_method"):
            return same_node(last_expression(def_body(cur.parent)), node)
        cur = cur.parent
    return False
