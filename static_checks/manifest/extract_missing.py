"""`method_missing` whose answers the source fully shows: the names become methods of their own.

A gem's `method_missing` hides its API from a reader of `def`s. When its body is
`if <guard>(name) then <answer> else super end`, and the guard names a closed set
(`%i[a b].include?(name)`, or `target.respond_to?(name)` for a target whose type we know),
every other name raises NoMethodError like on any class. Then each answered name is added
with origin "method_missing" (forwarding to the target's method when the answer is
`target.send(name, ...)`), and the `method_missing` entry is marked `answers_only_listed`,
so rules check those names like ordinary methods and flag the rest. Any other shape
(PricingTier answering every `x=`) stays open: any name may be valid there.

Mixed into Extractor after return types are applied (the target's type may come from them).
"""

from __future__ import annotations

from dataclasses import dataclass

import tree_sitter as ts

from static_checks.manifest import core
from static_checks.manifest.extract_state import ANY_ARGS, Ctx, NsBuild
from static_checks.manifest.model import MethodSig
from static_checks.manifest.ruby_ast import call_args, params_of, statements
from static_checks.parsing import ParsedFile
from static_checks.types.syntax import SEND_BY_NAME


@dataclass
class _Answer:
    names: list[str] | None  # the closed set; None: whatever `target` responds to
    target: str | None  # "Owner#" / "Owner." the names are sent to; None: answered in place
    returns: str | None = None  # type of an in-place answer


def _only(nodes: list[ts.Node]) -> ts.Node | None:
    kept = [n for n in nodes if n.type != "comment"]
    return kept[0] if len(kept) == 1 else None


def _clause(node: ts.Node | None) -> ts.Node | None:
    """The one statement of a `then`/`else` clause (None when it has several)."""
    return _only(list(node.named_children)) if node is not None else None


def _is_super(node: ts.Node | None) -> bool:
    if node is None:
        return False
    if node.type == "super":
        return True
    meth = node.child_by_field_name("method") if node.type == "call" else None
    return meth is not None and meth.type == "super"


def _mentions(pf: ParsedFile, node: ts.Node | None, var: str) -> bool:
    """`name`, `name.to_sym`, `name.to_s`: the method name the guard tests."""
    if node is None:
        return False
    if node.type == "identifier":
        return pf.text(node) == var
    if node.type == "call" and pf.text(node.child_by_field_name("method")) in ("to_sym", "to_s", "intern"):
        return _mentions(pf, node.child_by_field_name("receiver"), var)
    return False


class MissingDispatch:
    def _close_method_missing(self, b: NsBuild) -> None:
        for singleton in (False, True):
            found = b.bodies.get((singleton, "method_missing"))
            side = b.sing if singleton else b.inst
            mm = side.get("method_missing")
            if found is None or mm is None:
                continue
            answer = self._method_missing_answer(b, singleton, *found)
            if answer is None:
                continue
            names = answer.names if answer.names is not None else self._responds_to(answer.target or "")
            if names is None:
                continue
            self._add_answers(b, singleton, mm, names, answer)
            mm.answers_only_listed = True

    def _add_answers(self, b: NsBuild, singleton: bool, mm: MethodSig, names: list[str], answer: _Answer) -> None:
        side = b.sing if singleton else b.inst
        if singleton:
            taken = core.class_methods() if b.kind == "class" else core.module_methods()
        else:
            taken = core.object_methods()
        rest = list(mm.params[1:])
        for name in names:
            if name in side or name in taken or self._inherited(b, name, singleton):
                continue  # a real method answers before method_missing is ever asked
            sig = MethodSig(name=name, params=list(ANY_ARGS) if answer.target else rest, origin="method_missing",
                            location=mm.location, returns=answer.returns)
            if answer.target:
                sig.forwards_to = f"{answer.target}{name}"
            side[name] = sig

    def _method_missing_answer(self, b: NsBuild, singleton: bool, pf: ParsedFile, node: ts.Node,
                               nesting: list[str]) -> _Answer | None:
        params = params_of(pf, node.child_by_field_name("parameters"))
        if not params or not params[0].name or params[0].kind != "req":
            return None
        var = params[0].name
        branch = _only(statements(node.child_by_field_name("body")))
        if branch is None or branch.type != "if":
            return None
        alternative = branch.child_by_field_name("alternative")
        if alternative is None or alternative.type != "else" or not _is_super(_clause(alternative)):
            return None  # answers (or swallows) names outside the guard: open
        names = self._guard_names(b, singleton, pf, branch.child_by_field_name("condition"), var)
        if names is None:
            return None
        answer = _clause(branch.child_by_field_name("consequence"))
        if answer is None:
            return None
        target = self._send_target(b, singleton, pf, answer, var)
        if isinstance(names, tuple):  # `target.respond_to?(name)`: must be where the name is sent
            return _Answer(None, target) if target is not None and target == names[0] else None
        if target is not None:
            return _Answer(names, target)
        if answer.type == "call" and pf.text(answer.child_by_field_name("method")) in SEND_BY_NAME:
            return None  # sent somewhere we cannot type
        typed = self._expr_type(pf, answer, node, singleton, Ctx(ns=b, nesting=nesting))
        returns = None
        if typed is not None and not typed.text.startswith(("self", "ivar:", "call:")):
            resolved = self.resolve(typed)
            returns = resolved if self._exists(resolved) else None  # a class outside the gem stays untyped
        return _Answer(names, None, returns)

    def _guard_names(self, b: NsBuild, singleton: bool, pf: ParsedFile, cond: ts.Node | None,
                     var: str) -> list[str] | tuple[str] | None:
        """Literal names, or (target,) for `target.respond_to?(name)`; None when not closed."""
        if cond is None or cond.type != "call":
            return None
        recv, meth = cond.child_by_field_name("receiver"), pf.text(cond.child_by_field_name("method"))
        args = call_args(cond)
        if not args or not _mentions(pf, args[0], var):
            return None
        if meth == "respond_to_missing?" and (recv is None or recv.type == "self"):
            return self._respond_to_missing_names(b, singleton)
        if meth == "respond_to?" and recv is not None:
            target = self._send_target_of_receiver(b, singleton, pf, recv)
            return (target,) if target is not None else None
        if meth in ("include?", "member?") and recv is not None:
            return self._const_array(pf, recv, Ctx(ns=b, nesting=b.nesting))
        return None

    def _respond_to_missing_names(self, b: NsBuild, singleton: bool) -> list[str] | tuple[str] | None:
        found = b.bodies.get((singleton, "respond_to_missing?"))
        if found is None:
            return None
        pf, node, _ = found
        params = params_of(pf, node.child_by_field_name("parameters"))
        last = _only(statements(node.child_by_field_name("body")))
        if not params or not params[0].name or last is None:
            return None
        if last.type == "binary" and pf.text(last.child_by_field_name("operator")) in ("||", "or") \
                and _is_super(last.child_by_field_name("right")):
            last = last.child_by_field_name("left")
        return self._guard_names(b, singleton, pf, last, params[0].name)

    def _send_target(self, b: NsBuild, singleton: bool, pf: ParsedFile, answer: ts.Node, var: str) -> str | None:
        """`x.send(name, ...)` -> where the name is looked up ("Owner#" or "Owner.")."""
        if answer.type != "call" or pf.text(answer.child_by_field_name("method")) not in SEND_BY_NAME:
            return None
        args = call_args(answer)
        if not args or not _mentions(pf, args[0], var):
            return None
        recv = answer.child_by_field_name("receiver")
        if recv is None:
            return f"{b.name}{'.' if singleton else '#'}"
        return self._send_target_of_receiver(b, singleton, pf, recv)

    def _send_target_of_receiver(self, b: NsBuild, singleton: bool, pf: ParsedFile, recv: ts.Node) -> str | None:
        if recv.type == "self":
            return f"{b.name}{'.' if singleton else '#'}"
        if recv.type == "call" and pf.text(recv.child_by_field_name("method")) == "class" and not singleton:
            inner = recv.child_by_field_name("receiver")
            return f"{b.name}." if inner is None or inner.type == "self" else None
        word = None
        if recv.type == "identifier":
            word = pf.text(recv)
        elif recv.type == "call" and recv.child_by_field_name("receiver") is None and not call_args(recv):
            word = pf.text(recv.child_by_field_name("method"))
        if word is None:
            return None
        # a reader on the same side whose return type the source shows (`def self.instance = @instance ||= new`)
        sig = (b.sing if singleton else b.inst).get(word)
        returns = sig.returns if sig is not None else None
        if returns == "self":
            return f"{b.name}{'.' if singleton else '#'}"
        if returns and returns in self.ns:
            return f"{returns}#"
        return None

    def _responds_to(self, target: str) -> list[str] | None:
        """Public instance methods of `Owner#` the gem (and core modules it includes) defines."""
        owner, _, rest = target.partition("#")
        if rest or not target.endswith("#") or owner not in self.ns:
            return None
        names: set[str] = set()
        for cls in [owner] + self._ancestors(owner):
            nb = self.ns.get(cls)
            if nb is None:
                names.update(core.mixin_methods(cls) if core.is_core(cls) else ())
                continue
            names.update(n for n, s in nb.inst.items() if s.visibility == "public")
            for d in nb.includes:
                mod = self.resolve(d)
                mb = self.ns.get(mod)
                if mb is not None:
                    names.update(n for n, s in mb.inst.items() if s.visibility == "public")
                elif core.is_core(mod):
                    names.update(core.mixin_methods(mod))
        names -= {"method_missing", "respond_to_missing?", "initialize"}
        return sorted(names)
