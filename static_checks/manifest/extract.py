"""Read a gem's `lib/**/*.rb` with tree-sitter and produce its Manifest.

One pass walks every file and records definitions per namespace; `finish()` then does
the work that needs the whole gem at once (superclass/include resolution, aliases to
methods defined later, option macros, provider option registration, return types).
Nothing here runs Ruby: what we cannot see statically we leave unknown.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import tree_sitter as ts

from static_checks.manifest import core
from static_checks.manifest.lookup import resolve_constant
from static_checks.manifest.model import Manifest, MethodSig, Namespace, Param
from static_checks.parsing import ParsedFile, parse_ruby

VISIBILITIES = ("public", "protected", "private")
ATTR_MACROS = {"attr_reader": "r", "attr_writer": "w", "attr_accessor": "rw", "attr": "r"}
ASSOCIATIONS = ("has_many", "has_one", "belongs_to", "has_and_belongs_to_many")
# Calls that make a class macro (acts_as_chat) shape the model that calls it.
MODEL_MACROS = ("include", "delegate", *ASSOCIATIONS)
# Accepts anything: what we give methods whose real signature we cannot see.
ANY_ARGS = [Param(kind="rest"), Param(kind="keyrest"), Param(kind="block")]
# Statement containers walked through; ERROR keeps what tree-sitter recovered around a syntax error.
STATEMENT_WRAPPERS = {"body_statement", "then", "else", "elsif", "if", "unless", "begin", "parenthesized_statements", "ERROR"}


@dataclass
class _Deferred:
    """A constant name written in the source, resolved in finish() with its lexical nesting."""

    text: str
    nesting: list[str]


@dataclass
class _NsBuild:
    name: str
    kind: str
    location: str
    superclass: _Deferred | None = None
    includes: list[_Deferred] = field(default_factory=list)
    extends: list[_Deferred] = field(default_factory=list)
    inst: dict[str, MethodSig] = field(default_factory=dict)
    sing: dict[str, MethodSig] = field(default_factory=dict)
    constants: dict[str, ts.Node | None] = field(default_factory=dict)
    const_files: dict[str, ParsedFile] = field(default_factory=dict)
    nesting: list[str] = field(default_factory=list)
    # (singleton?, new name, old name)
    aliases: list[tuple[bool, str, str]] = field(default_factory=list)
    # (singleton?, names, visibility)
    visibility: list[tuple[bool, list[str], str]] = field(default_factory=list)
    # bare class-body calls with a literal first argument: (method, first arg, location)
    macro_calls: list[tuple[str, str, str]] = field(default_factory=list)
    # method bodies kept for finish(): (singleton?, name) -> (file, node, nesting)
    bodies: dict[tuple[bool, str], tuple[ParsedFile, ts.Node, list[str]]] = field(default_factory=dict)
    # return types written as constants: (singleton?, name) -> deferred constant
    returns_const: dict[tuple[bool, str], _Deferred] = field(default_factory=dict)
    forwards: dict[tuple[bool, str], tuple[str, _Deferred | None, str, list[str]]] = field(default_factory=dict)
    # instance variable -> what each assignment to it evaluates to (None: unknown)
    ivars: dict[str, list[_Deferred | None]] = field(default_factory=dict)


@dataclass
class _Ctx:
    ns: _NsBuild
    nesting: list[str]
    singleton: bool = False
    vis: str = "public"
    module_function: bool = False
    # local bindings for define_method inside `ARRAY.each { |x| ... }`
    binding: dict[str, str] = field(default_factory=dict)
    # method params in scope (for acts_as macros: `has_many messages` where messages: :messages)
    param_defaults: dict[str, str] = field(default_factory=dict)

    def child(self, **kw) -> _Ctx:
        base = dict(
            ns=self.ns,
            nesting=self.nesting,
            singleton=self.singleton,
            vis="public",
            module_function=False,
            binding=dict(self.binding),
            param_defaults=dict(self.param_defaults),
        )
        base.update(kw)
        return _Ctx(**base)


def _sym(pf: ParsedFile, node: ts.Node | None, binding: dict[str, str] | None = None) -> str | None:
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


def _args(node: ts.Node) -> list[ts.Node]:
    a = node.child_by_field_name("arguments")
    return list(a.named_children) if a is not None else []


def _kwargs(pf: ParsedFile, args: list[ts.Node]) -> dict[str, ts.Node]:
    out: dict[str, ts.Node] = {}
    for a in args:
        if a.type == "pair":
            k = a.child_by_field_name("key")
            v = a.child_by_field_name("value")
            name = _sym(pf, k) if k is not None else None
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


def _statements(body: ts.Node | None) -> list[ts.Node]:
    if body is None:
        return []
    if body.type in ("body_statement", "block_body", "program", "begin_block", "parenthesized_statements"):
        return [c for c in body.named_children if c.type != "comment"]
    return [body]


def _last_expression(method: ts.Node) -> ts.Node | None:
    body = method.child_by_field_name("body")
    stmts = _statements(body)
    return stmts[-1] if stmts else None


def _is_local(pf: ParsedFile, method: ts.Node, name: str) -> bool:
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


def _walk_calls(node: ts.Node) -> Iterable[ts.Node]:
    stack = [node]
    while stack:
        cur = stack.pop()
        if cur.type == "call":
            yield cur
        stack.extend(reversed(cur.named_children))


class Extractor:
    def __init__(self, gem: str, version: str, source_commit: str | None = None) -> None:
        self.gem, self.version, self.source_commit = gem, version, source_commit
        self.ns: dict[str, _NsBuild] = {}
        self.files: list[ParsedFile] = []
        self.naive_names: set[str] = set()
        # `Provider.register :x, Klass` style calls: (receiver, klass, nesting)
        self.registrations: list[tuple[_Deferred, _Deferred]] = []

    # ---- input ---------------------------------------------------------------
    def add_file(self, rel: str, source: bytes) -> None:
        pf = parse_ruby(rel, source)
        self.files.append(pf)
        self._collect_names(pf.root, [], pf)

    def _collect_names(self, node: ts.Node, scope: list[str], pf: ParsedFile) -> None:
        """First pass: every namespace name as plain nesting would spell it."""
        for c in node.named_children:
            if c.type in ("module", "class"):
                name = pf.text(c.child_by_field_name("name")).lstrip(":")
                full = "::".join(scope + [name])
                self.naive_names.add(full)
                self._collect_names(c, scope + [name], pf) if c.child_by_field_name("body") else None
            elif c.type in STATEMENT_WRAPPERS or c.type == "body_statement":
                self._collect_names(c, scope, pf)

    def run(self) -> Manifest:
        for pf in self.files:
            top = _NsBuild(name="", kind="module", location="")
            self._walk(pf, _statements(pf.root), _Ctx(ns=top, nesting=[]))
        return self.finish()

    # ---- namespaces ----------------------------------------------------------
    def _qualify(self, written: str, nesting: list[str]) -> str:
        written = written.lstrip(":")
        scope = nesting[-1] if nesting else ""
        if "::" not in written:
            return f"{scope}::{written}" if scope else written
        head = written.split("::")[0]
        for i in range(len(nesting), -1, -1):
            prefix = nesting[i - 1] if i else ""
            cand = f"{prefix}::{head}" if prefix else head
            if cand in self.naive_names or cand in self.ns:
                return f"{prefix}::{written}" if prefix else written
        return f"{scope}::{written}" if scope else written

    def _namespace(self, fq: str, kind: str, location: str, nesting: list[str]) -> _NsBuild:
        b = self.ns.get(fq)
        if b is None:
            b = _NsBuild(name=fq, kind=kind, location=location, nesting=nesting)
            self.ns[fq] = b
        elif len(location) < len(b.location):  # reopened: lib/x.rb over lib/generators/...
            b.location = location
        return b

    # ---- body walking --------------------------------------------------------
    def _walk(self, pf: ParsedFile, stmts: list[ts.Node], ctx: _Ctx) -> None:
        for node in stmts:
            self._statement(pf, node, ctx)

    def _statement(self, pf: ParsedFile, node: ts.Node, ctx: _Ctx) -> None:
        t = node.type
        if t in ("module", "class"):
            self._open_namespace(pf, node, ctx)
        elif t == "singleton_class":
            if node.child_by_field_name("value") is not None and node.child_by_field_name("value").type == "self":
                self._walk(pf, _statements(node.child_by_field_name("body")), ctx.child(singleton=True))
        elif t == "method":
            self._define(pf, node, ctx, singleton=ctx.singleton)
        elif t == "singleton_method":
            obj = node.child_by_field_name("object")
            if obj is not None and (obj.type == "self" or pf.text(obj) == ctx.ns.name.split("::")[-1]):
                self._define(pf, node, ctx, singleton=True, vis="public")
        elif t == "identifier":
            word = pf.text(node)
            if word in VISIBILITIES:
                ctx.vis = word
                ctx.module_function = False
            elif word == "module_function":
                ctx.module_function = True
        elif t == "call":
            self._call(pf, node, ctx)
        elif t == "alias":
            new, old = node.child_by_field_name("name"), node.child_by_field_name("alias")
            if new is not None and old is not None:
                ctx.ns.aliases.append((ctx.singleton, pf.text(new).lstrip(":"), pf.text(old).lstrip(":")))
        elif t == "assignment":
            self._assignment(pf, node, ctx)
        elif t in STATEMENT_WRAPPERS:
            self._walk(pf, [c for c in node.named_children if c.type != "comment"], ctx)

    def _open_namespace(self, pf: ParsedFile, node: ts.Node, ctx: _Ctx) -> None:
        name_node = node.child_by_field_name("name")
        if name_node is None:
            return
        fq = self._qualify(pf.text(name_node), ctx.nesting)
        b = self._namespace(fq, node.type, f"{pf.rel}:{pf.line_of(node)}", ctx.nesting + [fq])
        if node.type == "class" and b.kind == "module":
            b.kind = "class"
        sup = node.child_by_field_name("superclass")
        if sup is not None and sup.named_children:
            b.superclass = _Deferred(pf.text(sup.named_children[0]), ctx.nesting)
        inner = _Ctx(ns=b, nesting=ctx.nesting + [fq])
        self._walk(pf, _statements(node.child_by_field_name("body")), inner)

    def _assignment(self, pf: ParsedFile, node: ts.Node, ctx: _Ctx) -> None:
        left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
        if left is None or left.type != "constant" or not ctx.ns.name:
            return
        name = pf.text(left)
        if right is not None and right.type == "call":
            recv, meth = right.child_by_field_name("receiver"), right.child_by_field_name("method")
            recv_t = pf.text(recv) if recv is not None else ""
            meth_t = pf.text(meth) if meth is not None else ""
            if meth_t in ("new", "define") and recv_t in ("Class", "Struct", "Data", "Module"):
                fq = f"{ctx.ns.name}::{name}"
                kind = "module" if recv_t == "Module" else "class"
                b = self._namespace(fq, kind, f"{pf.rel}:{pf.line_of(node)}", ctx.nesting + [fq])
                args = _args(right)
                if recv_t == "Class" and args:
                    b.superclass = _Deferred(pf.text(args[0]), ctx.nesting)
                if recv_t in ("Struct", "Data"):
                    members = [s for s in (_sym(pf, a) for a in args) if s]
                    for m in members:
                        self._add(b, False, MethodSig(name=m, origin="macro", location=b.location))
                        if recv_t == "Struct":
                            sig = MethodSig(name=f"{m}=", params=[Param(kind="req", name="value")], origin="macro")
                            self._add(b, False, sig)
                    b.superclass = _Deferred(recv_t, [])
                block = right.child_by_field_name("block")
                if block is not None:
                    self._walk(pf, _statements(block.child_by_field_name("body")), _Ctx(ns=b, nesting=b.nesting))
                return
        ctx.ns.constants[name] = right
        ctx.ns.const_files[name] = pf

    # ---- methods -------------------------------------------------------------
    def _add(self, b: _NsBuild, singleton: bool, sig: MethodSig) -> None:
        (b.sing if singleton else b.inst)[sig.name] = sig

    def _define(self, pf: ParsedFile, node: ts.Node, ctx: _Ctx, singleton: bool, vis: str | None = None) -> str:
        name = pf.text(node.child_by_field_name("name"))
        sig = MethodSig(
            name=name,
            params=params_of(pf, node.child_by_field_name("parameters")),
            visibility=vis or ctx.vis,
            location=f"{pf.rel}:{pf.line_of(node)}",
        )
        if name == "initialize" or name == "respond_to_missing?" or name == "method_missing":
            sig.visibility = "private" if name == "initialize" else sig.visibility
        b = ctx.ns
        b.bodies[(singleton, name)] = (pf, node, ctx.nesting)
        self._infer_return(pf, node, b, singleton, name, ctx)
        self._infer_forward(pf, node, sig, b, singleton, ctx)
        if ctx.module_function and not singleton:
            self._add(b, True, sig.model_copy(update={"visibility": "public", "origin": "module_function"}))
            sig.visibility = "private"
        self._add(b, singleton, sig)
        return name

    def _infer_return(self, pf: ParsedFile, node: ts.Node, b: _NsBuild, singleton: bool, name: str, ctx: _Ctx) -> None:
        if not singleton:
            self._collect_ivars(pf, node, b, ctx)
        last = _last_expression(node) if name != "initialize" else None  # `new` returns the instance anyway
        if last is not None and last.type in ("assignment", "operator_assignment"):  # @x ||= Foo.new
            last = last.child_by_field_name("right")
        found = self._expr_type(pf, last, node, singleton, ctx) if last is not None else None
        if found is not None:
            b.returns_const[(singleton, name)] = found

    def _expr_type(self, pf: ParsedFile, expr: ts.Node, method: ts.Node, singleton: bool, ctx: _Ctx) -> _Deferred | None:
        """What an expression evaluates to, as far as the source shows: a constant, self, or a call to type later."""
        t = expr.type
        side = "." if singleton else "#"
        if t == "self":
            return _Deferred("self", [])
        if t == "instance_variable" and not singleton:
            return _Deferred(f"ivar:{pf.text(expr)}", [])
        if t == "binary" and pf.text(expr.child_by_field_name("operator")) == "||":
            # `given || default`: the default is what the source can type
            for part in (expr.child_by_field_name("right"), expr.child_by_field_name("left")):
                found = self._expr_type(pf, part, method, singleton, ctx) if part is not None else None
                if found is not None:
                    return found
            return None
        if t == "identifier":
            word = pf.text(expr)
            if word == "new":
                return _Deferred("self-class", []) if singleton else None
            if not _is_local(pf, method, word):  # a bare `to_message`: a call on self
                return _Deferred(f"call:{side}{word}", [])
            return None
        if t != "call":
            return None
        recv, meth = expr.child_by_field_name("receiver"), expr.child_by_field_name("method")
        meth_t = pf.text(meth) if meth is not None else ""
        if not meth_t:
            return None
        if recv is None or recv.type == "self":
            if meth_t == "new":
                return _Deferred("self-class", []) if singleton else None
            return _Deferred(f"call:{side}{meth_t}", [])
        if recv.type in ("constant", "scope_resolution"):
            if meth_t == "new":
                return _Deferred(pf.text(recv), ctx.nesting)
            return _Deferred(f"call:{pf.text(recv)}.{meth_t}", ctx.nesting)
        return None

    def _collect_ivars(self, pf: ParsedFile, method: ts.Node, b: _NsBuild, ctx: _Ctx) -> None:
        """`@chat = chat || RubyLLM.chat(...)` in an instance method: a candidate type for @chat."""
        body = method.child_by_field_name("body")
        stack = [body] if body is not None else []
        while stack:
            cur = stack.pop()
            if cur.type in ("assignment", "operator_assignment"):
                left, right = cur.child_by_field_name("left"), cur.child_by_field_name("right")
                if left is not None and left.type == "instance_variable" and right is not None and right.type != "nil":
                    found = self._expr_type(pf, right, method, False, ctx)
                    if found is not None and found.text.startswith("call:#"):
                        found = None  # a call on self whose type depends on the same analysis; stay unknown
                    b.ivars.setdefault(pf.text(left), []).append(found)
            stack.extend(cur.named_children)

    def _infer_forward(self, pf: ParsedFile, node: ts.Node, sig: MethodSig, b: _NsBuild, singleton: bool, ctx: _Ctx) -> None:
        """`def x(...) = T.y(...)` or `def x(*a, **k, &b) T.y(*a, **k, &b)`: the call takes T.y's signature."""
        kinds = [p.kind for p in sig.params]
        if kinds == ["forward"]:
            wanted = "forward_argument"
        elif kinds and set(kinds) <= {"rest", "keyrest", "block"} and "rest" in kinds:
            wanted = "splat_argument"
        else:
            return
        body = node.child_by_field_name("body")
        if body is None:
            return
        for call in _walk_calls(body):
            if not any(a.type == wanted for a in _args(call)):
                continue
            recv, meth = call.child_by_field_name("receiver"), call.child_by_field_name("method")
            if meth is None:
                continue
            meth_t = pf.text(meth)
            side = "." if singleton else "#"
            if recv is None or recv.type == "self":
                b.forwards[(singleton, sig.name)] = ("self", None, f"{side}{meth_t}", [])
            elif recv.type in ("constant", "scope_resolution"):
                b.forwards[(singleton, sig.name)] = ("const", _Deferred(pf.text(recv), ctx.nesting), f".{meth_t}", [])
            elif recv.type == "identifier" or (recv.type == "call" and recv.child_by_field_name("receiver") is None):
                via = pf.text(recv if recv.type == "identifier" else recv.child_by_field_name("method"))
                b.forwards[(singleton, sig.name)] = ("self", None, f"{side}{via}.{meth_t}", [])
            return

    # ---- calls in a class body ---------------------------------------------
    def _call(self, pf: ParsedFile, node: ts.Node, ctx: _Ctx) -> None:
        meth_node, recv = node.child_by_field_name("method"), node.child_by_field_name("receiver")
        if meth_node is None:
            return
        meth = pf.text(meth_node)
        args = _args(node)
        b = ctx.ns
        loc = f"{pf.rel}:{pf.line_of(node)}"
        if recv is not None:
            self._receiver_call(pf, node, recv, meth, args, ctx)
            return
        if meth in ("include", "extend", "prepend"):
            for a in args:
                if a.type in ("constant", "scope_resolution"):
                    target = b.includes if meth in ("include", "prepend") else b.extends
                    target.append(_Deferred(pf.text(a), ctx.nesting))
                elif a.type == "self" and meth == "extend":
                    b.extends.append(_Deferred(b.name, []))
        elif meth in VISIBILITIES:
            self._visibility_call(pf, args, ctx, meth)
        elif meth in ("private_class_method", "public_class_method"):
            vis = "private" if meth.startswith("private") else "public"
            for a in args:
                if a.type == "singleton_method":
                    self._define(pf, a, ctx, singleton=True, vis=vis)
                else:
                    names = [s for s in [_sym(pf, a)] if s]
                    b.visibility.append((True, names, vis))
        elif meth == "module_function":
            for a in args:
                name = self._define(pf, a, ctx, singleton=False) if a.type == "method" else _sym(pf, a)
                if name:
                    b.visibility.append((False, [name], "module_function"))
        elif meth in ATTR_MACROS:
            self._attrs(pf, args, ctx, ATTR_MACROS[meth], meth, loc)
        elif meth == "alias_method" and len(args) >= 2:
            new, old = _sym(pf, args[0], ctx.binding), _sym(pf, args[1], ctx.binding)
            if new and old:
                b.aliases.append((ctx.singleton, new, old))
        elif meth in ("def_delegators", "def_instance_delegators"):
            for a in args[1:]:
                name = _sym(pf, a)
                if name:
                    self._delegate(b, ctx, name, args[0], pf, loc)
        elif meth in ("def_delegator", "def_instance_delegator") and len(args) >= 2:
            name = _sym(pf, args[2]) if len(args) > 2 else _sym(pf, args[1])
            target_meth = _sym(pf, args[1])
            if name and target_meth:
                self._delegate(b, ctx, name, args[0], pf, loc, target_meth)
        elif meth == "delegate":
            kw = _kwargs(pf, args)
            prefix = ""
            if "prefix" in kw:
                p = kw["prefix"]
                if p.type == "true" and "to" in kw:
                    prefix = (_sym(pf, kw["to"]) or "").lstrip("@") + "_"
                elif _sym(pf, p):
                    prefix = _sym(pf, p) + "_"
            for a in args:
                name = _sym(pf, a)
                if name and a.type != "pair":
                    self._delegate(b, ctx, prefix + name, kw.get("to"), pf, loc, name)
        elif meth == "define_method" and args:
            name = _sym(pf, args[0], ctx.binding)
            if name:
                block = node.child_by_field_name("block")
                params = params_of(pf, block.child_by_field_name("parameters")) if block is not None else []
                if not params and args[1:]:
                    params = list(ANY_ARGS)
                sig = MethodSig(name=name, params=params, visibility=ctx.vis, origin="define_method", location=loc)
                self._add(b, ctx.singleton, sig)
        elif meth == "class_methods" and node.child_by_field_name("block") is not None:
            # ActiveSupport::Concern: these become singleton methods of the including class.
            cm = self._namespace(f"{b.name}::ClassMethods", "module", loc, b.nesting + [f"{b.name}::ClassMethods"])
            block = node.child_by_field_name("block")
            self._walk(pf, _statements(block.child_by_field_name("body")), _Ctx(ns=cm, nesting=ctx.nesting))
        elif meth == "included" and node.child_by_field_name("block") is not None:
            # Concern `included do ... end`: runs in the including class; treat as our own body.
            block = node.child_by_field_name("block")
            self._walk(pf, _statements(block.child_by_field_name("body")), ctx.child())
        elif meth in ASSOCIATIONS and args:
            name = _sym(pf, args[0]) or ctx.param_defaults.get(pf.text(args[0]))
            if name:
                self._add(b, False, MethodSig(name=name, origin="macro", location=loc))
                writer = MethodSig(name=f"{name}=", params=[Param(kind="req", name="value")], origin="macro", location=loc)
                self._add(b, False, writer)
        elif meth == "class_attribute":
            for a in args:
                name = _sym(pf, a)
                if name:
                    for side in (True, False):
                        self._add(b, side, MethodSig(name=name, origin="macro", location=loc))
                    writer = MethodSig(name=f"{name}=", params=[Param(kind="req", name="value")], origin="macro")
                    self._add(b, True, writer.model_copy(update={"location": loc}))
        elif args and not ctx.singleton:
            first = _sym(pf, args[0])
            if first is not None:
                b.macro_calls.append((meth, first, loc))

    def _receiver_call(self, pf: ParsedFile, node: ts.Node, recv: ts.Node, meth: str, args: list[ts.Node], ctx: _Ctx) -> None:
        block = node.child_by_field_name("block")
        if meth in ("each", "each_key") and block is not None:
            values = self._const_array(pf, recv, ctx)
            params = block.child_by_field_name("parameters")
            if values is None or params is None or not params.named_children:
                return
            var = pf.text(params.named_children[0])
            for v in values:
                inner = ctx.child(binding={**ctx.binding, var: v}, vis=ctx.vis)
                self._walk(pf, _statements(block.child_by_field_name("body")), inner)
        elif meth == "register" and len(args) >= 2 and recv.type in ("constant", "scope_resolution"):
            if args[1].type in ("constant", "scope_resolution"):
                self.registrations.append((_Deferred(pf.text(recv), ctx.nesting), _Deferred(pf.text(args[1]), ctx.nesting)))

    def _visibility_call(self, pf: ParsedFile, args: list[ts.Node], ctx: _Ctx, vis: str) -> None:
        b = ctx.ns
        for a in args:
            if a.type == "method":
                self._define(pf, a, ctx, singleton=ctx.singleton, vis=vis)
            elif a.type == "singleton_method":
                self._define(pf, a, ctx, singleton=True, vis=vis)
            elif a.type == "call":
                inner = ctx.child(vis=vis)
                before = set(b.sing if ctx.singleton else b.inst)
                self._call(pf, a, inner)
                added = set(b.sing if ctx.singleton else b.inst) - before
                b.visibility.append((ctx.singleton, sorted(added), vis))
            elif a.type == "array":
                names = [s for s in (_sym(pf, x) for x in a.named_children) if s]
                b.visibility.append((ctx.singleton, names, vis))
            else:
                name = _sym(pf, a, ctx.binding)
                if name:
                    b.visibility.append((ctx.singleton, [name], vis))

    def _attrs(self, pf: ParsedFile, args: list[ts.Node], ctx: _Ctx, rw: str, macro: str, loc: str) -> None:
        origin = macro if macro != "attr" else "attr_reader"
        for a in args:
            name = _sym(pf, a, ctx.binding)
            if not name:
                continue
            if "r" in rw:
                self._add(ctx.ns, ctx.singleton, MethodSig(name=name, visibility=ctx.vis, origin=origin, location=loc))
            if "w" in rw:
                writer = MethodSig(
                    name=f"{name}=", params=[Param(kind="req", name="value")], visibility=ctx.vis, origin=origin, location=loc
                )
                self._add(ctx.ns, ctx.singleton, writer)

    def _delegate(self, b, ctx, name, target, pf, loc, target_meth=None) -> None:
        sig = MethodSig(name=name, params=list(ANY_ARGS), visibility=ctx.vis, origin="delegate", location=loc)
        tname = _sym(pf, target) if target is not None else None
        if tname and not tname.startswith("@") and not ctx.singleton:
            # `to: :to_llm` -> the method on whatever to_llm returns; resolved at query time.
            b.forwards[(False, name)] = ("self", None, f"#{tname}.{target_meth or name}", [])
        self._add(b, ctx.singleton, sig)

    # ---- constant arrays -----------------------------------------------------
    def _const_array(self, pf: ParsedFile, node: ts.Node, ctx: _Ctx) -> list[str] | None:
        t = node.type
        if t in ("symbol_array", "string_array", "array"):
            vals = [_sym(pf, c) for c in node.named_children]
            return None if any(v is None for v in vals) else vals  # type: ignore[return-value]
        if t == "parenthesized_statements" and node.named_children:
            return self._const_array(pf, node.named_children[-1], ctx)
        if t == "binary" and pf.text(node.child_by_field_name("operator")) == "+":
            left = self._const_array(pf, node.child_by_field_name("left"), ctx)
            right = self._const_array(pf, node.child_by_field_name("right"), ctx)
            return None if left is None or right is None else left + right
        if t == "call":
            recv, meth = node.child_by_field_name("receiver"), node.child_by_field_name("method")
            meth_t = pf.text(meth) if meth is not None else ""
            if recv is not None and meth_t in ("freeze", "dup", "uniq", "to_a", "compact"):
                vals = self._const_array(pf, recv, ctx)
                if vals is not None and meth_t == "uniq":
                    vals = list(dict.fromkeys(vals))
                return vals
            if recv is not None and meth_t == "keys" and recv.type in ("constant", "scope_resolution"):
                rhs = self._const_node(pf, recv, ctx)
                if rhs is not None and rhs[1].type == "hash":
                    keys = [p.child_by_field_name("key") for p in rhs[1].named_children if p.type == "pair"]
                    vals = [_sym(rhs[0], k) for k in keys]
                    return None if any(v is None for v in vals) else vals  # type: ignore[return-value]
            if recv is not None and meth_t == "instance_methods" and pf.text(recv) in core.MODULES:
                return list(core.public_instance_methods(pf.text(recv)))
            return None
        if t in ("constant", "scope_resolution"):
            found = self._const_node(pf, node, ctx)
            return self._const_array(found[0], found[1], ctx) if found else None
        return None

    def _const_node(self, pf: ParsedFile, node: ts.Node, ctx: _Ctx) -> tuple[ParsedFile, ts.Node] | None:
        name = pf.text(node)
        owner, _, short = name.rpartition("::")
        scopes = [owner] if owner else [s for s in reversed(ctx.nesting)]
        for scope in scopes:
            b = self.ns.get(scope) or self.ns.get(self._qualify(scope, ctx.nesting))
            if b is not None and b.constants.get(short) is not None:
                return b.const_files[short], b.constants[short]  # type: ignore[return-value]
        return None

    # ---- whole-gem resolution ------------------------------------------------
    def _exists(self, name: str) -> bool:
        if name in self.ns:
            return True
        owner, _, short = name.rpartition("::")
        return bool(owner) and owner in self.ns and short in self.ns[owner].constants

    def _ancestors(self, name: str) -> list[str]:
        out, seen, cur = [], set(), self.ns.get(name)
        while cur is not None and cur.superclass is not None and cur.name not in seen:
            seen.add(cur.name)
            sup = self.resolve(cur.superclass)
            out.append(sup)
            cur = self.ns.get(sup)
        return out

    def resolve(self, d: _Deferred) -> str:
        return resolve_constant(d.text, d.nesting, self._exists, self._ancestors_shallow) or d.text.lstrip(":")

    def _ancestors_shallow(self, name: str) -> list[str]:
        b = self.ns.get(name)
        if b is None or b.superclass is None:
            return []
        sup = resolve_constant(b.superclass.text, b.superclass.nesting, self._exists) or b.superclass.text
        return [sup]

    def finish(self) -> Manifest:
        self._expand_macros()
        self._register_provider_options()
        out: dict[str, Namespace] = {}
        for fq, b in sorted(self.ns.items()):
            if not fq:
                continue
            self._apply_aliases(b)
            self._apply_visibility(b)
            self._type_ivars(b)
            self._apply_returns(b)
            out[fq] = Namespace(
                name=fq,
                kind=b.kind,  # type: ignore[arg-type]
                superclass=self.resolve(b.superclass) if b.superclass else None,
                includes=[self.resolve(d) for d in b.includes],
                extends=[self.resolve(d) for d in b.extends],
                instance_methods=dict(sorted(b.inst.items())),
                singleton_methods=dict(sorted(b.sing.items())),
                constants=sorted(b.constants),
                location=b.location,
            )
        manifest = Manifest(gem=self.gem, version=self.version, source_commit=self.source_commit, namespaces=out)
        manifest.config_options = config_options(manifest)
        return manifest

    def _apply_aliases(self, b: _NsBuild) -> None:
        for singleton, new, old in b.aliases:
            side = b.sing if singleton else b.inst
            target = side.get(old) or self._inherited(b, old, singleton)
            if target is not None:
                side[new] = target.model_copy(update={"name": new, "origin": "alias"})
                key_old, key_new = (singleton, old), (singleton, new)
                if key_old in b.forwards:
                    b.forwards[key_new] = b.forwards[key_old]
                if key_old in b.returns_const:
                    b.returns_const[key_new] = b.returns_const[key_old]
            else:
                side[new] = MethodSig(name=new, params=list(ANY_ARGS), origin="alias")

    def _inherited(self, b: _NsBuild, name: str, singleton: bool) -> MethodSig | None:
        for anc in self._ancestors(b.name):
            ab = self.ns.get(anc)
            if ab is not None and name in (ab.sing if singleton else ab.inst):
                return (ab.sing if singleton else ab.inst)[name]
        return None

    def _apply_visibility(self, b: _NsBuild) -> None:
        for singleton, names, vis in b.visibility:
            for n in names:
                if vis == "module_function":
                    if n in b.inst:
                        b.sing[n] = b.inst[n].model_copy(update={"visibility": "public", "origin": "module_function"})
                        b.inst[n].visibility = "private"
                    continue
                side = b.sing if singleton else b.inst
                if n in side:
                    side[n].visibility = vis  # type: ignore[assignment]

    def _type_ivars(self, b: _NsBuild) -> None:
        """Readers (attr_reader :chat) and `def x; @x; end` take the one type every assignment agrees on."""

        def ivar_type(ivar: str) -> _Deferred | None:
            found = b.ivars.get(ivar, [])
            keys = {(d.text, tuple(d.nesting)) if d else None for d in found}
            return found[0] if len(keys) == 1 and found[0] is not None else None

        for (singleton, name), d in list(b.returns_const.items()):
            if d.text.startswith("ivar:"):
                typed = ivar_type(d.text[5:])
                if typed is None:
                    del b.returns_const[(singleton, name)]
                else:
                    b.returns_const[(singleton, name)] = typed
        for name, sig in b.inst.items():
            if sig.origin in ("attr_reader", "attr_accessor") and (False, name) not in b.returns_const:
                typed = ivar_type(f"@{name}")
                if typed is not None:
                    b.returns_const[(False, name)] = typed

    def _apply_returns(self, b: _NsBuild) -> None:
        for (singleton, name), d in b.returns_const.items():
            side = b.sing if singleton else b.inst
            if name not in side:
                continue
            if d.text == "self":
                side[name].returns = "self"
            elif d.text == "self-class":
                side[name].returns = b.name
            elif d.text.startswith("call:"):
                # Only calls to methods the gem defines: `define_method`/`raise` as a last line are not types.
                ref = d.text[5:]
                if ref[0] in ".#":
                    if ref[1:] in side or self._inherited(b, ref[1:], singleton):
                        side[name].returns = f"call:{b.name}{ref}"
                else:
                    const, _, m = ref.rpartition(".")
                    target = self.ns.get(self.resolve(_Deferred(const, d.nesting)))
                    if target is not None and (m in target.sing or self._inherited(target, m, True)):
                        side[name].returns = f"call:{target.name}.{m}"
            else:
                # A class outside the gem (`Faraday.new`) stays untyped: we know none of its methods.
                resolved = resolve_constant(d.text, d.nesting, self._exists, self._ancestors_shallow)
                side[name].returns = resolved
        for (singleton, name), (how, const, ref, _) in b.forwards.items():
            side = b.sing if singleton else b.inst
            if name not in side:
                continue
            if how == "const" and const is not None:
                resolved = resolve_constant(const.text, const.nesting, self._exists, self._ancestors_shallow)
                if resolved is None:
                    continue
                side[name].forwards_to = f"{resolved}{ref}"
            else:
                side[name].forwards_to = f"{b.name}{ref}"

    # ---- macros --------------------------------------------------------------
    def _macro_kind(self, b: _NsBuild, name: str) -> str | None:
        """How a class macro defined as a singleton method of `b` shapes `macro :x` calls.

        "rw"/"r"/"w": it defines a reader/writer named after its first argument
        (attr_accessor, `send(:attr_accessor, key)`, attr_reader + define_method("#{key}=")).
        """
        found = b.bodies.get((True, name))
        if found is None:
            return None
        pf, node, _ = found
        params = params_of(pf, node.child_by_field_name("parameters"))
        if not params or not params[0].name:
            return None
        key = params[0].name
        kind = ""
        for call in _walk_calls(node):
            m = pf.text(call.child_by_field_name("method"))
            args = _args(call)
            if m == "send" and args and _sym(pf, args[0]) in ATTR_MACROS:
                m, args = _sym(pf, args[0]), args[1:]  # type: ignore[assignment]
            if m in ATTR_MACROS and args and pf.text(args[0]) == key:
                kind += ATTR_MACROS[m]
            if m == "define_method" and args and _sym(pf, args[0], {key: "\0"}) == "\0=":
                kind += "w"
            if m == "define_method" and args and _sym(pf, args[0], {key: "\0"}) == "\0":
                kind += "r"
        return "".join(sorted(set(kind))) or None

    def _expand_macros(self) -> None:
        for b in list(self.ns.values()):
            for meth, arg, loc in b.macro_calls:
                owner = b
                kind = self._macro_kind(owner, meth)
                for anc in self._ancestors(b.name) if kind is None else []:
                    if anc in self.ns and (kind := self._macro_kind(self.ns[anc], meth)):
                        break
                if kind:
                    self._add_option(b, arg, kind, loc)
            for (singleton, name), (pf, node, nesting) in list(b.bodies.items()):
                if singleton or b.name.endswith("::ClassMethods"):
                    self._acts_as_macro(b, name, pf, node, nesting)

    def _add_option(self, b: _NsBuild, name: str, kind: str, loc: str | None) -> None:
        if "r" in kind and name not in b.inst:
            b.inst[name] = MethodSig(name=name, origin="option", location=loc)
        if "w" in kind and f"{name}=" not in b.inst:
            b.inst[f"{name}="] = MethodSig(name=f"{name}=", params=[Param(kind="req", name="value")], origin="option", location=loc)

    def _acts_as_macro(self, b: _NsBuild, name: str, pf: ParsedFile, node: ts.Node, nesting: list[str]) -> None:
        """A class macro that includes a module or declares associations/delegates (acts_as_chat & co.).

        The macro becomes a synthetic module `<Owner>::<macro>` (lower-case, so never a real
        constant) that a model calling the macro effectively includes.
        """
        body = node.child_by_field_name("body")
        if body is None:
            return
        model_macros = [
            c
            for c in _walk_calls(body)
            if pf.text(c.child_by_field_name("method")) in MODEL_MACROS and c.child_by_field_name("receiver") is None
        ]
        if not model_macros:
            return
        owner = b.name[: -len("::ClassMethods")] if b.name.endswith("::ClassMethods") else b.name
        fq = f"{owner}::{name}"
        syn = self._namespace(fq, "module", f"{pf.rel}:{pf.line_of(node)}", nesting)
        defaults = {}
        for p in (node.child_by_field_name("parameters").named_children if node.child_by_field_name("parameters") else []):
            v = p.child_by_field_name("value")
            if p.type == "keyword_parameter" and v is not None and _sym(pf, v):
                defaults[pf.text(p.child_by_field_name("name"))] = _sym(pf, v)
        ctx = _Ctx(ns=syn, nesting=nesting, param_defaults=defaults)
        self._walk(pf, _statements(body), ctx)

    def _register_provider_options(self) -> None:
        """`Provider.register :x, Klass` whose `register` hands `Klass.some_options` to an option macro."""
        for recv_d, klass_d in self.registrations:
            recv = self.ns.get(self.resolve(recv_d))
            klass = self.resolve(klass_d)
            found = recv.bodies.get((True, "register")) if recv else None
            if found is None:
                continue
            pf, node, nesting = found
            params = params_of(pf, node.child_by_field_name("parameters"))
            if len(params) < 2:
                continue
            for call in _walk_calls(node):
                r, args = call.child_by_field_name("receiver"), _args(call)
                if r is None or r.type not in ("constant", "scope_resolution") or len(args) != 1:
                    continue
                arg = args[0]
                if arg.type != "call" or pf.text(arg.child_by_field_name("receiver") or arg) != params[1].name:
                    continue
                target = self.ns.get(self.resolve(_Deferred(pf.text(r), nesting)))
                list_macro = pf.text(call.child_by_field_name("method"))
                kind = self._list_macro_kind(target, list_macro) if target else None
                names = self._literal_return(klass, pf.text(arg.child_by_field_name("method")))
                if target is not None and kind and names:
                    for n in names:
                        self._add_option(target, n, kind, None)

    def _list_macro_kind(self, b: _NsBuild, name: str) -> str | None:
        """A singleton method that calls an option macro for each element of its argument."""
        found = b.bodies.get((True, name))
        if found is None:
            return None
        pf, node, _ = found
        for call in _walk_calls(node):
            kind = self._macro_kind(b, pf.text(call.child_by_field_name("method")))
            if kind:
                return kind
        return None

    def _literal_return(self, klass: str, meth: str) -> list[str] | None:
        for owner in [klass] + self._ancestors(klass):
            b = self.ns.get(owner)
            if b is None or (True, meth) not in b.bodies:
                continue
            pf, node, nesting = b.bodies[(True, meth)]
            last = _last_expression(node)
            return self._const_array(pf, last, _Ctx(ns=b, nesting=nesting)) if last is not None else None
        return None


def config_options(m: Manifest) -> list[str]:
    """Names accepted by `config.X =`: the public writers of the gem's `<Top>::Configuration`."""
    names = [n for n in m.namespaces if n.count("::") == 1 and n.endswith("::Configuration")]
    ns = m.namespaces.get("RubyLLM::Configuration") or (m.namespaces[names[0]] if len(names) == 1 else None)
    if ns is None:
        return []
    return sorted(
        n[:-1]
        for n, sig in ns.instance_methods.items()
        if n.endswith("=") and n[:-1].isidentifier() and sig.visibility == "public"
    )


def extract_dir(lib: Path, gem: str, version: str, commit: str | None = None) -> Manifest:
    """Extract from a checked-out `lib/` directory (used by tests and fixture gems)."""
    ex = Extractor(gem, version, commit)
    for path in sorted(lib.rglob("*.rb")):
        ex.add_file(str(path.relative_to(lib.parent)), path.read_bytes())
    return ex.run()


def extract_files(files: Iterable[tuple[str, bytes]], gem: str, version: str, commit: str | None = None) -> Manifest:
    ex = Extractor(gem, version, commit)
    for rel, data in files:
        ex.add_file(rel, data)
    return ex.run()
