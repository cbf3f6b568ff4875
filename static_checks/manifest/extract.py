"""Read a gem's `lib/**/*.rb` with tree-sitter and produce its Manifest.

One pass walks every file and records definitions per namespace; `finish()` then does
the work that needs the whole gem at once (superclass/include resolution, aliases to
methods defined later, option macros, provider option registration, return types).
Nothing here runs Ruby: what we cannot see statically we leave unknown.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import tree_sitter as ts

from static_checks.manifest.extract_calls import CallGraph
from static_checks.manifest.extract_macros import MacroExpansion
from static_checks.manifest.extract_missing import MissingDispatch
from static_checks.manifest.extract_state import (
    ANY_ARGS, ASSOCIATIONS, ATTR_MACROS, VISIBILITIES, Ctx, Deferred, NsBuild,
)
from static_checks.manifest.extract_types import TypeInference
from static_checks.manifest.lookup import resolve_constant
from static_checks.manifest.model import Manifest, MethodSig, Namespace, Param
from static_checks.manifest.ruby_ast import call_args, keyword_args, literal_name, params_of, statements
from static_checks.parsing import ParsedFile, parse_ruby
# Statement containers walked through; ERROR keeps what tree-sitter recovered around a syntax error.
STATEMENT_WRAPPERS = {
    "body_statement", "then", "else", "elsif", "if", "unless", "begin", "parenthesized_statements", "ERROR",
}


# Ruby makes these private whatever section defines them (vm_method.c), so they are never public API.
ALWAYS_PRIVATE = frozenset({"initialize", "initialize_copy", "initialize_clone", "initialize_dup",
                            "respond_to_missing?"})


class Extractor(TypeInference, MacroExpansion, MissingDispatch, CallGraph):
    def __init__(self, gem: str, version: str, source_commit: str | None = None) -> None:
        self.gem, self.version, self.source_commit = gem, version, source_commit
        self.ns: dict[str, NsBuild] = {}
        self.files: list[ParsedFile] = []
        self.naive_names: set[str] = set()
        # `Provider.register :x, Klass` style calls: (receiver, klass, nesting)
        self.registrations: list[tuple[Deferred, Deferred]] = []

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
            top = NsBuild(name="", kind="module", location="")
            self._walk(pf, statements(pf.root), Ctx(ns=top, nesting=[]))
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

    def _namespace(self, fq: str, kind: str, location: str, nesting: list[str]) -> NsBuild:
        b = self.ns.get(fq)
        if b is None:
            b = NsBuild(name=fq, kind=kind, location=location, nesting=nesting)
            self.ns[fq] = b
        elif len(location) < len(b.location):  # reopened: lib/x.rb over lib/generators/...
            b.location = location
        return b

    # ---- body walking --------------------------------------------------------
    def _walk(self, pf: ParsedFile, stmts: list[ts.Node], ctx: Ctx) -> None:
        for node in stmts:
            self._statement(pf, node, ctx)

    def _statement(self, pf: ParsedFile, node: ts.Node, ctx: Ctx) -> None:
        t = node.type
        if t in ("module", "class"):
            self._open_namespace(pf, node, ctx)
        elif t == "singleton_class":
            if node.child_by_field_name("value") is not None and node.child_by_field_name("value").type == "self":
                self._walk(pf, statements(node.child_by_field_name("body")), ctx.child(singleton=True))
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

    def _open_namespace(self, pf: ParsedFile, node: ts.Node, ctx: Ctx) -> None:
        name_node = node.child_by_field_name("name")
        if name_node is None:
            return
        fq = self._qualify(pf.text(name_node), ctx.nesting)
        b = self._namespace(fq, node.type, f"{pf.rel}:{pf.line_of(node)}", ctx.nesting + [fq])
        if node.type == "class" and b.kind == "module":
            b.kind = "class"
        sup = node.child_by_field_name("superclass")
        if sup is not None and sup.named_children:
            b.superclass = Deferred(pf.text(sup.named_children[0]), ctx.nesting)
        inner = Ctx(ns=b, nesting=ctx.nesting + [fq])
        self._walk(pf, statements(node.child_by_field_name("body")), inner)

    def _assignment(self, pf: ParsedFile, node: ts.Node, ctx: Ctx) -> None:
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
                args = call_args(right)
                if recv_t == "Class" and args:
                    b.superclass = Deferred(pf.text(args[0]), ctx.nesting)
                if recv_t in ("Struct", "Data"):
                    members = [s for s in (literal_name(pf, a) for a in args) if s]
                    for m in members:
                        self._add(b, False, MethodSig(name=m, origin="macro", location=b.location))
                        if recv_t == "Struct":
                            sig = MethodSig(name=f"{m}=", params=[Param(kind="req", name="value")], origin="macro")
                            self._add(b, False, sig)
                    b.superclass = Deferred(recv_t, [])
                block = right.child_by_field_name("block")
                if block is not None:
                    self._walk(pf, statements(block.child_by_field_name("body")), Ctx(ns=b, nesting=b.nesting))
                return
        ctx.ns.constants[name] = right
        ctx.ns.const_files[name] = pf

    # ---- methods -------------------------------------------------------------
    def _add(self, b: NsBuild, singleton: bool, sig: MethodSig) -> None:
        (b.sing if singleton else b.inst)[sig.name] = sig

    def _define(self, pf: ParsedFile, node: ts.Node, ctx: Ctx, singleton: bool, vis: str | None = None) -> str:
        name = pf.text(node.child_by_field_name("name"))
        sig = MethodSig(
            name=name,
            params=params_of(pf, node.child_by_field_name("parameters")),
            visibility=vis or ctx.vis,
            location=f"{pf.rel}:{pf.line_of(node)}",
        )
        if name in ALWAYS_PRIVATE and not singleton:
            sig.visibility = "private"
        sig.never_yields = never_yields(pf, node)
        b = ctx.ns
        b.bodies[(singleton, name)] = (pf, node, ctx.nesting)
        self._infer_return(pf, node, b, singleton, name, ctx)
        self._infer_forward(pf, node, sig, b, singleton, ctx)
        if ctx.module_function and not singleton:
            self._add(b, True, sig.model_copy(update={"visibility": "public", "origin": "module_function"}))
            sig.visibility = "private"
        self._add(b, singleton, sig)
        return name


    # ---- calls in a class body ---------------------------------------------
    def _call(self, pf: ParsedFile, node: ts.Node, ctx: Ctx) -> None:
        meth_node, recv = node.child_by_field_name("method"), node.child_by_field_name("receiver")
        if meth_node is None:
            return
        meth = pf.text(meth_node)
        args = call_args(node)
        loc = f"{pf.rel}:{pf.line_of(node)}"
        if recv is not None:
            self._receiver_call(pf, node, recv, meth, args, ctx)
            return
        # First matching row wins; a row whose guard fails falls through, as an elif chain would.
        for matches, handler_name in _BODY_CALLS:
            if matches(meth, node, args):
                getattr(self, handler_name)(pf, node, args, ctx, meth, loc)
                return
        if args and not ctx.singleton:
            first = literal_name(pf, args[0])
            if first is not None:
                ctx.ns.macro_calls.append((meth, first, loc))

    def _mixin_call(self, pf: ParsedFile, node: ts.Node, args: list[ts.Node], ctx: Ctx, meth: str, loc: str) -> None:
        b = ctx.ns
        for a in args:
            if a.type in ("constant", "scope_resolution"):
                target = b.includes if meth in ("include", "prepend") else b.extends
                target.append(Deferred(pf.text(a), ctx.nesting))
            elif a.type == "self" and meth == "extend":
                b.extends.append(Deferred(b.name, []))

    def _visibility_macro(self, pf: ParsedFile, node: ts.Node, args: list[ts.Node], ctx: Ctx, meth: str,
                          loc: str) -> None:
        self._visibility_call(pf, args, ctx, meth)

    def _class_method_visibility(self, pf: ParsedFile, node: ts.Node, args: list[ts.Node], ctx: Ctx, meth: str,
                                 loc: str) -> None:
        vis = "private" if meth.startswith("private") else "public"
        for a in args:
            if a.type == "singleton_method":
                self._define(pf, a, ctx, singleton=True, vis=vis)
            else:
                names = [s for s in [literal_name(pf, a)] if s]
                ctx.ns.visibility.append((True, names, vis))

    def _module_function(self, pf: ParsedFile, node: ts.Node, args: list[ts.Node], ctx: Ctx, meth: str,
                         loc: str) -> None:
        for a in args:
            name = self._define(pf, a, ctx, singleton=False) if a.type == "method" else literal_name(pf, a)
            if name:
                ctx.ns.visibility.append((False, [name], "module_function"))

    def _attr_macro(self, pf: ParsedFile, node: ts.Node, args: list[ts.Node], ctx: Ctx, meth: str, loc: str) -> None:
        self._attrs(pf, args, ctx, ATTR_MACROS[meth], meth, loc)

    def _alias_method(self, pf: ParsedFile, node: ts.Node, args: list[ts.Node], ctx: Ctx, meth: str, loc: str) -> None:
        new, old = literal_name(pf, args[0], ctx.binding), literal_name(pf, args[1], ctx.binding)
        if new and old:
            ctx.ns.aliases.append((ctx.singleton, new, old))

    def _def_delegators(self, pf: ParsedFile, node: ts.Node, args: list[ts.Node], ctx: Ctx, meth: str,
                        loc: str) -> None:
        for a in args[1:]:
            name = literal_name(pf, a)
            if name:
                self._delegate(ctx.ns, ctx, name, args[0], pf, loc)

    def _def_delegator(self, pf: ParsedFile, node: ts.Node, args: list[ts.Node], ctx: Ctx, meth: str,
                       loc: str) -> None:
        name = literal_name(pf, args[2]) if len(args) > 2 else literal_name(pf, args[1])
        target_meth = literal_name(pf, args[1])
        if name and target_meth:
            self._delegate(ctx.ns, ctx, name, args[0], pf, loc, target_meth)

    def _delegate_macro(self, pf: ParsedFile, node: ts.Node, args: list[ts.Node], ctx: Ctx, meth: str,
                        loc: str) -> None:
        kw = keyword_args(pf, args)
        prefix = ""
        if "prefix" in kw:
            p = kw["prefix"]
            if p.type == "true" and "to" in kw:
                prefix = (literal_name(pf, kw["to"]) or "").lstrip("@") + "_"
            elif literal_name(pf, p):
                prefix = literal_name(pf, p) + "_"
        for a in args:
            name = literal_name(pf, a)
            if name and a.type != "pair":
                self._delegate(ctx.ns, ctx, prefix + name, kw.get("to"), pf, loc, name)

    def _define_method(self, pf: ParsedFile, node: ts.Node, args: list[ts.Node], ctx: Ctx, meth: str,
                       loc: str) -> None:
        name = literal_name(pf, args[0], ctx.binding)
        if name:
            block = node.child_by_field_name("block")
            params = params_of(pf, block.child_by_field_name("parameters")) if block is not None else []
            if not params and args[1:]:
                params = list(ANY_ARGS)
            sig = MethodSig(name=name, params=params, visibility=ctx.vis, origin="define_method", location=loc)
            self._add(ctx.ns, ctx.singleton, sig)
            if block is not None:
                ctx.ns.block_bodies[(ctx.singleton, name)] = (pf, block, ctx.nesting)

    def _class_methods_block(self, pf: ParsedFile, node: ts.Node, args: list[ts.Node], ctx: Ctx, meth: str,
                             loc: str) -> None:
        # ActiveSupport::Concern: these become singleton methods of the including class.
        b = ctx.ns
        cm = self._namespace(f"{b.name}::ClassMethods", "module", loc, b.nesting + [f"{b.name}::ClassMethods"])
        block = node.child_by_field_name("block")
        self._walk(pf, statements(block.child_by_field_name("body")), Ctx(ns=cm, nesting=ctx.nesting))

    def _included_block(self, pf: ParsedFile, node: ts.Node, args: list[ts.Node], ctx: Ctx, meth: str,
                        loc: str) -> None:
        # Concern `included do ... end`: runs in the including class; treat as our own body.
        block = node.child_by_field_name("block")
        self._walk(pf, statements(block.child_by_field_name("body")), ctx.child())

    def _association(self, pf: ParsedFile, node: ts.Node, args: list[ts.Node], ctx: Ctx, meth: str, loc: str) -> None:
        name = literal_name(pf, args[0]) or ctx.param_defaults.get(pf.text(args[0]))
        if name:
            self._add(ctx.ns, False, MethodSig(name=name, origin="macro", location=loc))
            writer = MethodSig(name=f"{name}=", params=[Param(kind="req", name="value")], origin="macro", location=loc)
            self._add(ctx.ns, False, writer)

    def _class_attribute(self, pf: ParsedFile, node: ts.Node, args: list[ts.Node], ctx: Ctx, meth: str,
                         loc: str) -> None:
        """ActiveSupport's class_attribute: the class gets `x`, `x=`, `x?`; instances `x`, `x?` and `x=`
        unless `instance_reader:`/`instance_writer:`/`instance_accessor:`/`instance_predicate:` is false."""
        off = {k for k, v in keyword_args(pf, args).items() if v.type == "false"}
        reader = not off & {"instance_reader", "instance_accessor"}
        writer = not off & {"instance_writer", "instance_accessor"}
        predicate = "instance_predicate" not in off
        for a in args:
            name = literal_name(pf, a) if a.type != "pair" else None
            if not name:
                continue
            wanted = [(True, name), (True, f"{name}="), (True, f"{name}?") if predicate else None,
                      (False, name) if reader else None, (False, f"{name}?") if reader and predicate else None,
                      (False, f"{name}=") if writer else None]
            for side, method in filter(None, wanted):
                params = [Param(kind="req", name="value")] if method.endswith("=") else []
                self._add(ctx.ns, side, MethodSig(name=method, params=params, origin="macro", location=loc))

    def _receiver_call(
        self, pf: ParsedFile, node: ts.Node, recv: ts.Node, meth: str, args: list[ts.Node], ctx: Ctx
    ) -> None:
        block = node.child_by_field_name("block")
        if meth in ("each", "each_key") and block is not None:
            values = self._const_array(pf, recv, ctx)
            params = block.child_by_field_name("parameters")
            if values is None or params is None or not params.named_children:
                return
            var = pf.text(params.named_children[0])
            for v in values:
                inner = ctx.child(binding={**ctx.binding, var: v}, vis=ctx.vis)
                self._walk(pf, statements(block.child_by_field_name("body")), inner)
        elif meth == "register" and len(args) >= 2 and recv.type in ("constant", "scope_resolution"):
            if args[1].type in ("constant", "scope_resolution"):
                registry, provider = Deferred(pf.text(recv), ctx.nesting), Deferred(pf.text(args[1]), ctx.nesting)
                self.registrations.append((registry, provider))

    def _visibility_call(self, pf: ParsedFile, args: list[ts.Node], ctx: Ctx, vis: str) -> None:
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
                names = [s for s in (literal_name(pf, x) for x in a.named_children) if s]
                b.visibility.append((ctx.singleton, names, vis))
            else:
                name = literal_name(pf, a, ctx.binding)
                if name:
                    b.visibility.append((ctx.singleton, [name], vis))

    def _attrs(self, pf: ParsedFile, args: list[ts.Node], ctx: Ctx, rw: str, macro: str, loc: str) -> None:
        origin = macro if macro != "attr" else "attr_reader"
        for a in args:
            name = literal_name(pf, a, ctx.binding)
            if not name:
                continue
            if "r" in rw:
                self._add(ctx.ns, ctx.singleton, MethodSig(name=name, visibility=ctx.vis, origin=origin, location=loc))
            if "w" in rw:
                writer = MethodSig(
                    name=f"{name}=", params=[Param(kind="req", name="value")], visibility=ctx.vis, origin=origin,
                    location=loc,
                )
                self._add(ctx.ns, ctx.singleton, writer)

    def _delegate(self, b, ctx, name, target, pf, loc, target_meth=None) -> None:
        sig = MethodSig(name=name, params=list(ANY_ARGS), visibility=ctx.vis, origin="delegate", location=loc)
        tname = literal_name(pf, target) if target is not None else None
        if tname and not tname.startswith("@") and not ctx.singleton:
            # `to: :to_llm` -> the method on whatever to_llm returns; resolved at query time.
            b.forwards[(False, name)] = ("self", None, f"#{tname}.{target_meth or name}")
        self._add(b, ctx.singleton, sig)

    # ---- constant arrays -----------------------------------------------------


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

    def resolve(self, d: Deferred) -> str:
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
        built = [(fq, b) for fq, b in sorted(self.ns.items()) if fq]
        for _fq, b in built:
            self._apply_aliases(b)
            self._apply_visibility(b)
            self._type_ivars(b)
            self._apply_returns(b)
        for _fq, b in built:  # needs every namespace's methods and return types
            self._close_method_missing(b)
        for fq, b in built:
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
        manifest.calls = self._call_graph()
        manifest.value_constants = self._value_constants()
        return manifest

    def _apply_aliases(self, b: NsBuild) -> None:
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

    def _inherited(self, b: NsBuild, name: str, singleton: bool) -> MethodSig | None:
        for anc in self._ancestors(b.name):
            ab = self.ns.get(anc)
            if ab is not None and name in (ab.sing if singleton else ab.inst):
                return (ab.sing if singleton else ab.inst)[name]
        return None

    def _apply_visibility(self, b: NsBuild) -> None:
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


    # ---- macros --------------------------------------------------------------


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


def _has_block(node: ts.Node) -> bool:
    return node.child_by_field_name("block") is not None


# Class-body calls without a receiver, in the order they are tried: (matches(meth, node, args), handler).
_BODY_CALLS = (
    (lambda m, node, args: m in ("include", "extend", "prepend"), "_mixin_call"),
    (lambda m, node, args: m in VISIBILITIES, "_visibility_macro"),
    (lambda m, node, args: m in ("private_class_method", "public_class_method"), "_class_method_visibility"),
    (lambda m, node, args: m == "module_function", "_module_function"),
    (lambda m, node, args: m in ATTR_MACROS, "_attr_macro"),
    (lambda m, node, args: m == "alias_method" and len(args) >= 2, "_alias_method"),
    (lambda m, node, args: m in ("def_delegators", "def_instance_delegators"), "_def_delegators"),
    (lambda m, node, args: m in ("def_delegator", "def_instance_delegator") and len(args) >= 2, "_def_delegator"),
    (lambda m, node, args: m == "delegate", "_delegate_macro"),
    (lambda m, node, args: m == "define_method" and bool(args), "_define_method"),
    (lambda m, node, args: m == "class_methods" and _has_block(node), "_class_methods_block"),
    (lambda m, node, args: m == "included" and _has_block(node), "_included_block"),
    (lambda m, node, args: m in ASSOCIATIONS and bool(args), "_association"),
    (lambda m, node, args: m == "class_attribute", "_class_attribute"),
)


# Nodes through which a method body may run (or hand on) the block it was given.
_BLOCK_USE = frozenset({"yield", "super", "block_parameter", "forward_parameter", "forward_argument"})
_BLOCK_WORDS = frozenset({"block_given?", "iterator?", "binding"})


def never_yields(pf: ParsedFile, method: ts.Node) -> bool:
    """No path of this def's parameters or body can see its block (nested defs and blocks included: a
    block's `yield` is still the method's)."""
    stack = [method]
    while stack:
        node = stack.pop()
        t = node.type
        if t in _BLOCK_USE or (t == "identifier" and pf.text(node) in _BLOCK_WORDS):
            return False
        if t == "call" and pf.text(node).startswith(("Proc.new", "proc ", "lambda ")) and \
                node.child_by_field_name("block") is None:
            return False  # a block-less Proc.new captured the method's block before Ruby 3
        stack.extend(node.children)
    return True
