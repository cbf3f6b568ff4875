"""Return types and forwarding targets, as far as a method's source shows them.

Mixed into Extractor: uses its namespaces (`self.ns`), constant resolution and ancestry.
"""

from __future__ import annotations

import tree_sitter as ts

from static_checks.manifest.extract_state import Ctx, Deferred, NsBuild
from static_checks.manifest.lookup import resolve_constant
from static_checks.manifest.model import MethodSig
from static_checks.manifest.ruby_ast import call_args, is_local, last_expression, walk_calls
from static_checks.parsing import ParsedFile


class TypeInference:
    def _infer_return(self, pf: ParsedFile, node: ts.Node, b: NsBuild, singleton: bool, name: str, ctx: Ctx) -> None:
        if not singleton:
            self._collect_ivars(pf, node, b, ctx)
        last = last_expression(node) if name != "initialize" else None  # `new` returns the instance anyway
        if last is not None and last.type in ("assignment", "operator_assignment"):  # @x ||= Foo.new
            last = last.child_by_field_name("right")
        found = self._expr_type(pf, last, node, singleton, ctx) if last is not None else None
        if found is not None:
            b.returns_const[(singleton, name)] = found

    def _expr_type(self, pf: ParsedFile, expr: ts.Node, method: ts.Node, singleton: bool, ctx: Ctx) -> Deferred | None:
        """What an expression evaluates to, as far as the source shows: a constant, self, or a call to type later."""
        t = expr.type
        side = "." if singleton else "#"
        if t == "self":
            return Deferred("self", [])
        if t == "instance_variable" and not singleton:
            return Deferred(f"ivar:{pf.text(expr)}", [])
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
                return Deferred("self-class", []) if singleton else None
            if not is_local(pf, method, word):  # a bare `to_message`: a call on self
                return Deferred(f"call:{side}{word}", [])
            return None
        if t != "call":
            return None
        recv, meth = expr.child_by_field_name("receiver"), expr.child_by_field_name("method")
        meth_t = pf.text(meth) if meth is not None else ""
        if not meth_t:
            return None
        if recv is None or recv.type == "self":
            if meth_t == "new":
                return Deferred("self-class", []) if singleton else None
            return Deferred(f"call:{side}{meth_t}", [])
        if recv.type in ("constant", "scope_resolution"):
            if meth_t == "new":
                return Deferred(pf.text(recv), ctx.nesting)
            return Deferred(f"call:{pf.text(recv)}.{meth_t}", ctx.nesting)
        return None

    def _collect_ivars(self, pf: ParsedFile, method: ts.Node, b: NsBuild, ctx: Ctx) -> None:
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

    def _infer_forward(
        self, pf: ParsedFile, node: ts.Node, sig: MethodSig, b: NsBuild, singleton: bool, ctx: Ctx
    ) -> None:
        """`def x(...) = T.y(...)` or `def x(*a, **k, &b) T.y(*a, **k, &b)`: the call takes T.y's signature.
        A body handing its arguments (and block) to two different methods takes neither's: one target's
        params, or its never running the block, would not be true of the method (the other may run it)."""
        b.forwards.pop((singleton, sig.name), None)  # a redefinition replaces what an earlier def forwarded to
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
        targets = [self._forward_target(pf, call, singleton, ctx) for call in walk_calls(body)
                   if any(a.type == wanted for a in call_args(call))]
        if targets and targets[0] is not None and all(t == targets[0] for t in targets):
            b.forwards[(singleton, sig.name)] = targets[0]

    @staticmethod
    def _forward_target(pf: ParsedFile, call: ts.Node, singleton: bool, ctx: Ctx) -> tuple | None:
        """Where a call handing on the arguments goes, as b.forwards records it; None when it cannot say."""
        recv, meth = call.child_by_field_name("receiver"), call.child_by_field_name("method")
        if meth is None:
            return None
        meth_t = pf.text(meth)
        side = "." if singleton else "#"
        if recv is None or recv.type == "self":
            return ("self", None, f"{side}{meth_t}")
        if recv.type in ("constant", "scope_resolution"):
            return ("const", Deferred(pf.text(recv), ctx.nesting), f".{meth_t}")
        if recv.type == "identifier" or (recv.type == "call" and recv.child_by_field_name("receiver") is None):
            via = pf.text(recv if recv.type == "identifier" else recv.child_by_field_name("method"))
            return ("self", None, f"{side}{via}.{meth_t}")
        return None

    def _type_ivars(self, b: NsBuild) -> None:
        """Readers (attr_reader :chat) and `def x; @x; end` take the one type every assignment agrees on."""

        def ivar_type(ivar: str) -> Deferred | None:
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

    def _apply_returns(self, b: NsBuild) -> None:
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
                    target = self.ns.get(self.resolve(Deferred(const, d.nesting)))
                    if target is not None and (m in target.sing or self._inherited(target, m, True)):
                        side[name].returns = f"call:{target.name}.{m}"
            else:
                # A class outside the gem (`Faraday.new`) stays untyped: we know none of its methods.
                resolved = resolve_constant(d.text, d.nesting, self._exists, self._ancestors_shallow)
                side[name].returns = resolved
        for (singleton, name), (how, const, ref) in b.forwards.items():
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
