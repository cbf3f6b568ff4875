"""Class macros: `option :x` style reader/writer macros, provider option registration,
Rails `acts_as_*` macros, and the constant arrays `define_method` loops iterate.

Mixed into Extractor: uses its namespaces (`self.ns`), walker and constant resolution.
"""

from __future__ import annotations

import tree_sitter as ts

from static_checks.manifest import core
from static_checks.manifest.extract_state import ATTR_MACROS, MODEL_MACROS, Ctx, Deferred, NsBuild
from static_checks.manifest.model import MethodSig, Param
from static_checks.manifest.ruby_ast import call_args, last_expression, literal_name, params_of, statements, walk_calls
from static_checks.parsing import ParsedFile


def _method_name(pf: ParsedFile, call: ts.Node) -> str:
    """The called name; "" for `callable.()` (no method node)."""
    meth = call.child_by_field_name("method")
    return pf.text(meth) if meth is not None else ""


class MacroExpansion:
    def _macro_kind(self, b: NsBuild, name: str) -> str | None:
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
        for call in walk_calls(node):
            m = _method_name(pf, call)
            args = call_args(call)
            if m == "send" and args and literal_name(pf, args[0]) in ATTR_MACROS:
                m, args = literal_name(pf, args[0]), args[1:]  # type: ignore[assignment]
            if m in ATTR_MACROS and args and pf.text(args[0]) == key:
                kind += ATTR_MACROS[m]
            if m == "define_method" and args and literal_name(pf, args[0], {key: "\0"}) == "\0=":
                kind += "w"
            if m == "define_method" and args and literal_name(pf, args[0], {key: "\0"}) == "\0":
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

    def _add_option(self, b: NsBuild, name: str, kind: str, loc: str | None) -> None:
        if "r" in kind and name not in b.inst:
            b.inst[name] = MethodSig(name=name, origin="option", location=loc)
        if "w" in kind and f"{name}=" not in b.inst:
            b.inst[f"{name}="] = MethodSig(name=f"{name}=", params=[Param(kind="req", name="value")], origin="option",
                                           location=loc)

    def _acts_as_macro(self, b: NsBuild, name: str, pf: ParsedFile, node: ts.Node, nesting: list[str]) -> None:
        """A class macro that includes a module or declares associations/delegates (acts_as_chat & co.).

        The macro becomes a synthetic module `<Owner>::<macro>` (lower-case, so never a real
        constant) that a model calling the macro effectively includes.
        """
        body = node.child_by_field_name("body")
        if body is None:
            return
        model_macros = [
            c
            for c in walk_calls(body)
            if _method_name(pf, c) in MODEL_MACROS and c.child_by_field_name("receiver") is None
        ]
        if not model_macros:
            return
        owner = b.name[: -len("::ClassMethods")] if b.name.endswith("::ClassMethods") else b.name
        fq = f"{owner}::{name}"
        syn = self._namespace(fq, "module", f"{pf.rel}:{pf.line_of(node)}", nesting)
        defaults = {}
        parameters = node.child_by_field_name("parameters")
        for p in (parameters.named_children if parameters else []):
            v = p.child_by_field_name("value")
            if p.type == "keyword_parameter" and v is not None and literal_name(pf, v):
                defaults[pf.text(p.child_by_field_name("name"))] = literal_name(pf, v)
        ctx = Ctx(ns=syn, nesting=nesting, param_defaults=defaults)
        self._walk(pf, statements(body), ctx)

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
            for call in walk_calls(node):
                r, args = call.child_by_field_name("receiver"), call_args(call)
                if r is None or r.type not in ("constant", "scope_resolution") or len(args) != 1:
                    continue
                arg = args[0]
                if arg.type != "call" or pf.text(arg.child_by_field_name("receiver") or arg) != params[1].name:
                    continue
                target = self.ns.get(self.resolve(Deferred(pf.text(r), nesting)))
                list_macro = _method_name(pf, call)
                kind = self._list_macro_kind(target, list_macro) if target else None
                names = self._literal_return(klass, pf.text(arg.child_by_field_name("method")))
                if target is not None and kind and names:
                    for n in names:
                        self._add_option(target, n, kind, None)

    def _list_macro_kind(self, b: NsBuild, name: str) -> str | None:
        """A singleton method that calls an option macro for each element of its argument."""
        found = b.bodies.get((True, name))
        if found is None:
            return None
        pf, node, _ = found
        for call in walk_calls(node):
            kind = self._macro_kind(b, _method_name(pf, call))
            if kind:
                return kind
        return None

    def _literal_return(self, klass: str, meth: str) -> list[str] | None:
        for owner in [klass] + self._ancestors(klass):
            b = self.ns.get(owner)
            if b is None or (True, meth) not in b.bodies:
                continue
            pf, node, nesting = b.bodies[(True, meth)]
            last = last_expression(node)
            return self._const_array(pf, last, Ctx(ns=b, nesting=nesting)) if last is not None else None
        return None

    def _const_array(self, pf: ParsedFile, node: ts.Node, ctx: Ctx) -> list[str] | None:
        t = node.type
        if t in ("symbol_array", "string_array", "array"):
            vals = [literal_name(pf, c) for c in node.named_children]
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
                    vals = [literal_name(rhs[0], k) for k in keys]
                    return None if any(v is None for v in vals) else vals  # type: ignore[return-value]
            if recv is not None and meth_t == "instance_methods" and pf.text(recv) in core.MODULES:
                return list(core.public_instance_methods(pf.text(recv)))
            return None
        if t in ("constant", "scope_resolution"):
            found = self._const_node(pf, node, ctx)
            return self._const_array(found[0], found[1], ctx) if found else None
        return None

    def _const_node(self, pf: ParsedFile, node: ts.Node, ctx: Ctx) -> tuple[ParsedFile, ts.Node] | None:
        name = pf.text(node)
        owner, _, short = name.rpartition("::")
        scopes = [owner] if owner else [s for s in reversed(ctx.nesting)]
        for scope in scopes:
            b = self.ns.get(scope) or self.ns.get(self._qualify(scope, ctx.nesting))
            if b is not None and b.constants.get(short) is not None:
                return b.const_files[short], b.constants[short]  # type: ignore[return-value]
        return None
