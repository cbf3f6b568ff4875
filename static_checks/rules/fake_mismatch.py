"""rubyllm/fake-mismatch: a hand-written test fake standing in for a RubyLLM object, with methods the real one lacks.

A fake stands in for a RubyLLM type when a stub returns it (`RubyLLM.stub(:chat, FakeChat.new)`,
`allow(RubyLLM).to receive(:chat).and_return(fake)`), or when a test class named after a
RubyLLM class (`FakeChat`, `MockMessage`) sits in a test file that uses RubyLLM.
A plain object built inline (`OpenStruct.new(model: "x")`) returned by a stub in place of a RubyLLM object is
such a fake too, also when the stub sits on a double another stub returns (`RubyLLM.expects(:chat).returns(chat)`
then `chat.expects(:ask).returns(OpenStruct.new(..))`): reported where it is built, for a name app code calls.
Reported, at the fake's definition:
  - a writer the real class lacks (`attr_accessor :messages` hides that `chat.messages =` fails);
  - a method the real class has, with keywords or arity the real one rejects (`def ask(prompt, model:)`);
  - a method the real class lacks that app code calls (the fake makes an invented call pass).
"""

from __future__ import annotations

import re

import tree_sitter as ts

from static_checks.rules.base import Proof, Rule
from static_checks.rules.doubles import find_stubs
from static_checks.rules.model.analysis import Analysis, analysis, has_signature
from static_checks.rules.signature import format_signature
from static_checks.types.project import AppClass
from static_checks.types.ref import TypeRef
from static_checks.types.scan import ClassDef
from static_checks.types.syntax import call_name, call_receiver, const_path, text

_FAKE_NAME = re.compile(r"^(?:Fake|Mock|Stub|Dummy|Spy|Test)([A-Z]\w*)$|^([A-Z]\w*?)(?:Fake|Mock|Stub|Double|Spy)$")


def _fake_class_of(an: Analysis, node: ts.Node | None, scope) -> AppClass | None:
    """`FakeChat.new(...)`, or a local/ivar assigned from it, to the app's FakeChat class."""
    if node is None:
        return None
    if node.type in ("identifier", "instance_variable"):
        name = text(node)
        if node.type == "identifier":
            entries = scope.locals.get(name) or []
            rhs = [r for _, r in entries if r is not None]
        else:
            holder = scope.cls or scope.file.toplevel
            rhs = [r for r, _ in (holder.ivars.get(name, []) if holder else []) if r is not None]
        return _fake_class_of(an, rhs[-1], scope) if rhs else None
    if node.type == "call" and call_name(node) == "new":
        path = const_path(call_receiver(node))
        if path:
            return an.project.lookup_class(path, scope.nesting)
    return None


def stand_ins(an: Analysis) -> dict[str, TypeRef]:
    """Test fake class fq -> the RubyLLM type it stands in for."""
    found: dict[str, TypeRef] = {}
    for stub in find_stubs(an):
        if stub.target is None:
            continue
        fake = _fake_class_of(an, stub.value, stub.scope)
        if fake is None or fake.base is not None or not fake.defs[0].file.is_test:
            continue
        rtype = an.infer.return_of(stub.target, stub.method)
        if rtype is not None and rtype.checkable and not rtype.app_class:
            found.setdefault(fake.fq, rtype)
    used = {tc.rtype.name for tc in an.typed_calls if not tc.fs.is_test}  # RubyLLM types the app uses
    for app in an.project.classes.values():
        if app.fq in found or app.base is not None:
            continue
        d = app.defs[0]
        if not d.file.is_test:
            continue
        m = _FAKE_NAME.match(app.fq.rsplit("::", 1)[-1])
        short = (m.group(1) or m.group(2)) if m else None
        if not short or an.project.by_short.get(short):
            continue  # no name match, or the app has its own class of that name (e.g. a Chat model)
        real = f"RubyLLM::{short}"
        ns = an.index.namespace(real)
        if ns is not None and ns.kind == "class" and (real in used or b"RubyLLM" in d.file.pf.source):
            found[app.fq] = TypeRef(real)
    return found


def _attr_nodes(d: ClassDef) -> dict[str, ts.Node]:
    """Writer name -> the attr_accessor/attr_writer call that makes it."""
    out: dict[str, ts.Node] = {}
    for name, call, _scope in d.macros:
        if name in ("attr_accessor", "attr_writer"):
            args = call.child_by_field_name("arguments")
            for a in args.named_children if args is not None else []:
                if a.type == "simple_symbol":
                    out[text(a)[1:] + "="] = call
    return out


def _rejects(real_params, fake_params) -> list[str]:
    """What the fake accepts that the real method would reject with ArgumentError."""
    rk = [p.kind for p in real_params]
    if "forward" in rk or "rest" in rk and "keyrest" in rk:
        return []
    real_kw = {p.name for p in real_params if p.kind in ("key", "keyreq")}
    out: list[str] = []
    if "keyrest" not in rk:
        takes_kw = bool(real_kw)
        for kind, name in fake_params:
            if kind in ("key", "keyreq") and name not in real_kw and takes_kw:
                out.append(f"keyword `{name}:`")
    req_fake = sum(1 for k, _ in fake_params if k == "req")
    max_real = sum(1 for k in rk if k in ("req", "opt"))
    if "rest" not in rk and req_fake > max_real + (0 if real_kw else 1):
        out.append(f"{req_fake} required positional arguments (real takes at most {max_real})")
    return out


def _fake_objects(an: Analysis):
    """`OpenStruct.new(model: ..)` returned where a RubyLLM object is due, answering a name it lacks that
    app code calls (doubles._stand_in_stubs found it, also through a double returned by another stub)."""
    for stub in find_stubs(an):
        if not stub.fake_object or an.lookup(stub.target, stub.method, True).status != "missing":
            continue
        real = stub.target.name
        yield RULE.finding(
            stub.fs.pf, stub.node,
            f"fake `{text(stub.node)[:60]}` stands in for a {real} and answers `{stub.method}`, which the real "
            f"{real} lacks, and app code calls `.{stub.method}`: tests pass against an invented API",
            f"{real} in ruby_llm {an.version} (manifest) has no method `{stub.method}`; the fake is what a stubbed "
            f"call returns in place of a {real}",
            hint=f"build the fake with {real}'s real readers only, or return a real {real}",
        )


def check(ctx):
    an = analysis(ctx)
    yield from _gem_rewrites(an)
    yield from _fake_objects(an)
    fakes = stand_ins(an)
    if not fakes:
        return
    called = an.app_called_names
    for fq, real in fakes.items():
        app = an.project.classes[fq]
        for d in app.defs:
            pf = d.file.pf
            for writer, node in _attr_nodes(d).items():
                if an.find(real, writer) is None and an.find(real, writer[:-1]) is not None:
                    yield RULE.finding(
                        pf, node,
                        f"fake `{fq}` defines `{writer}`, which the real {real.name} lacks: "
                        "it hides a NoMethodError the app would raise",
                        f"{real.name} in ruby_llm {an.version} (manifest) has `{writer[:-1]}` but no `{writer}`",
                        hint=f"drop the writer from the fake; make the app use the real {real.name} API",
                    )
            for name, mdef in d.methods.items():
                if mdef.visibility != "public" or name in ("initialize", "method_missing", "respond_to_missing?"):
                    continue
                sig = an.find(real, name)
                node = mdef.node.child_by_field_name("name") or mdef.node
                if sig is None:
                    use = called.get(name)
                    if use is None:
                        continue
                    yield RULE.finding(
                        pf, node,
                        f"fake `{fq}` defines `{name}`, which the real {real.name} lacks, and app code calls "
                        f"`.{name}`: tests pass against an invented API",
                        f"{real.name} in ruby_llm {an.version} (manifest) has no method `{name}`",
                        hint="make the fake mirror the real public methods only",
                    )
                    continue
                if not has_signature(sig):
                    continue
                bad = _rejects(sig.params, mdef.params)
                if bad:
                    yield RULE.finding(
                        pf, node,
                        f"fake `{fq}#{name}` accepts {', '.join(bad)} that the real {real.name}#{name} rejects",
                        f"real signature in ruby_llm {an.version} (manifest): {format_signature(sig)}",
                        hint=f"mirror the real signature: def {format_signature(sig)}",
                    )


def _gem_rewrites(an: Analysis):
    """Test files that reopen the gem: methods or classes the real gem lacks, that app code uses."""
    index = an.index
    app_consts = {path.lstrip(":") for fs in an.project.scans if not fs.is_test for _n, path, _s in fs.consts}
    for app in an.project.classes.values():
        fq = app.fq
        if not (fq == "RubyLLM" or fq.startswith("RubyLLM::")) or an.from_extension(fq):
            continue
        for d in app.defs:
            if not d.file.is_test:
                continue
            pf = d.file.pf
            if index.namespace(fq) is None:
                if fq in app_consts and not any(not x.file.is_test for x in app.defs):
                    yield RULE.finding(
                        pf, d.node.child_by_field_name("name") or d.node,
                        f"test code defines `{fq}`, which ruby_llm does not have, and app code uses it: "
                        "tests pass against an invented class",
                        f"ruby_llm {an.version} (manifest) defines no {fq}",
                        hint="remove the stand-in and use the real RubyLLM API in the app",
                    )
                continue
            for singleton, table in ((False, d.methods), (True, d.smethods)):
                for name, mdef in table.items():
                    if index.find_method(fq, name, singleton=singleton) is not None:
                        continue
                    if name not in an.app_called_names:
                        continue
                    sep = "." if singleton else "#"
                    yield RULE.finding(
                        pf, mdef.node.child_by_field_name("name") or mdef.node,
                        f"test code adds `{fq}{sep}{name}`, which ruby_llm lacks, and app code calls `{name}`",
                        f"{fq} in ruby_llm {an.version} (manifest) has no {'singleton ' if singleton else ''}"
                        f"method `{name}`",
                        hint="stub only methods the gem really has",
                    )



RULE = Rule(
    id="rubyllm/fake-mismatch",
    summary="A hand-written test fake (or a test rewrite of the gem) whose methods differ from the real class",
    why="A fake with a writer or signature the real object lacks lets an invented call pass every test.",
    bad="""
    # file: test/bot_test.rb
    class FakeChat
      attr_accessor :messages
      def ask(prompt, model: nil) = prompt
    end

    RubyLLM.stub(:chat, FakeChat.new) { }
""",
    good="""
    # file: test/bot_test.rb
    class FakeChat
      attr_reader :messages
      def ask(message = nil, with: nil) = message
    end

    RubyLLM.stub(:chat, FakeChat.new) { }
""",
    proof=Proof.absence,
    check=check,
)
