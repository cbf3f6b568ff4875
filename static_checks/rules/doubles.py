"""Test doubles in a project's tests, read once for the stub and fake rules.

Recognised forms (each yields: what object is stubbed, which method, what it returns):
  Mocha     X.stubs(:m).returns(v)   X.expects(:m)   X.any_instance.stubs(:m)   X.stubs(m: v)
  Minitest  X.stub(:m, v) do ... end   X.stub_any_instance(:m, v)
  RSpec     allow(X).to receive(:m).and_return(v)   expect(X).to receive(:m)
            allow_any_instance_of(K).to receive(:m)   receive_messages(m: v)   have_received(:m)
            instance_double("RubyLLM::Chat", m: v)   class_double(RubyLLM, m: v)
"""

from __future__ import annotations

from dataclasses import dataclass

import tree_sitter as ts

from static_checks.rules.model.analysis import Analysis
from static_checks.types.infer import VERIFIED_DOUBLES
from static_checks.types.ref import TypeRef
from static_checks.types.scan import FileScan, Scope
from static_checks.types.syntax import (
    arg_shape,
    call_name,
    call_receiver,
    const_path,
    first_arg,
    last_expression,
    symbol_value,
)

MOCHA = frozenset({"stubs", "expects"})
RSPEC_TARGETS = {"allow": False, "expect": False, "allow_any_instance_of": True, "expect_any_instance_of": True}
RSPEC_MATCHERS = frozenset({"receive", "receive_messages", "have_received", "receive_message_chain"})
RETURNS = frozenset({"returns", "and_return"})
_STUB_NAMES = MOCHA | {"stub", "stub_any_instance", "to", "not_to", "to_not"} | set(VERIFIED_DOUBLES)


@dataclass
class Stub:
    fs: FileScan
    node: ts.Node  # where to report: the stubbing call
    target: TypeRef | None  # the object whose method is replaced
    target_node: ts.Node | None
    method: str
    value: ts.Node | None  # what the stub returns, when visible
    scope: Scope
    # a stand-in's answer built as a plain object (`OpenStruct.new(text: ..)`): a hand-written fake, not a
    # double library's stub (rubyllm/fake-mismatch reports these, rubyllm/stub-unknown-method the rest)
    fake_object: bool = False


def _rspec_matcher(node: ts.Node | None) -> ts.Node | None:
    """Innermost `receive(...)` of `receive(:m).with(..).and_return(..)`."""
    while node is not None and node.type == "call":
        recv = call_receiver(node)
        if recv is None:
            return node if call_name(node) in RSPEC_MATCHERS else None
        node = recv
    return None


def _returned(outer: ts.Node, inner: ts.Node) -> ts.Node | None:
    """The `and_return(v)` / `returns(v)` value in the chain from `inner` up to `outer`."""
    cur = inner.parent
    while cur is not None:
        if cur.type == "call" and call_name(cur) in RETURNS:
            return first_arg(cur)
        if cur.id == outer.id:
            break
        cur = cur.parent
    return None


def _names(call: ts.Node) -> list[tuple[str, ts.Node | None]]:
    """`(:m)` -> [(m, None)]; `(m: v, n: w)` -> [(m, v), (n, w)]."""
    sym = symbol_value(first_arg(call))
    if sym is not None:
        return [(sym, None)]
    shape = arg_shape(call)
    return [(k, pair.child_by_field_name("value")) for k, pair in shape.keywords.items()]


def _instances(t: TypeRef | None) -> TypeRef | None:
    """`any_instance` / `allow_any_instance_of`: a class's instances; anything else is unknown."""
    return t.instance() if t is not None and t.singleton else None


def find_stubs(an: Analysis) -> list[Stub]:
    cached = an.ctx.cache.get("stubs")
    if cached is not None:
        return cached  # type: ignore[return-value]
    out: list[Stub] = []
    for fs in an.project.scans:
        if not fs.is_test:
            continue
        for call, scope in fs.calls:
            name = fs.name_of(call)
            if name in _STUB_NAMES:
                out.extend(_stubs_of_call(an.infer, fs, call, scope, name))
    for stub in out:
        if stub.target is not None and not stub.target.checkable:
            stub.target = None  # app classes not built on RubyLLM are not our business
    _type_mocked_doubles(an, out)
    out.extend(_stand_in_stubs(an, out))
    an.ctx.cache["stubs"] = out
    return out


def _stubs_of_call(infer, fs: FileScan, call: ts.Node, scope: Scope, name: str) -> list[Stub]:
    """The stubs one call sets up, by the double library's syntax."""
    recv = call_receiver(call)
    if name in MOCHA and recv is not None:
        return _mocha_stubs(infer, fs, call, scope, recv)
    if name in ("stub", "stub_any_instance") and recv is not None:
        return _minitest_stubs(infer, fs, call, scope, recv, name)
    if name in ("to", "not_to", "to_not") and recv is not None and recv.type == "call":
        return _rspec_stubs(infer, fs, call, scope, recv)
    if name in VERIFIED_DOUBLES and recv is None:
        target = infer.verified_double(call, name, scope)  # the same typing as `x = instance_double(...)`
        if target is None:
            return []
        head = first_arg(call)
        return [Stub(fs, call, target, head, m, pair.child_by_field_name("value"), scope)
                for m, pair in arg_shape(call).keywords.items()]
    return []


def _mocha_stubs(infer, fs: FileScan, call: ts.Node, scope: Scope, recv: ts.Node) -> list[Stub]:
    """`obj.stubs(:m)`, `Klass.any_instance.expects(m: v)`."""
    if recv.type == "call" and call_name(recv) == "any_instance":
        target = _instances(infer.type_of(call_receiver(recv), scope))
    else:
        target = infer.type_of(recv, scope)
    return [Stub(fs, call, target, recv, m, val or _returned(_top(call), call), scope) for m, val in _names(call)]


def _minitest_stubs(infer, fs: FileScan, call: ts.Node, scope: Scope, recv: ts.Node, name: str) -> list[Stub]:
    """`obj.stub(:m, value) { ... }`, `Klass.stub_any_instance(:m, value)`."""
    m = symbol_value(first_arg(call))
    if m is None:
        return []
    target = infer.type_of(recv, scope)
    if name == "stub_any_instance":
        target = _instances(target)
    args = arg_shape(call).positional
    return [Stub(fs, call, target, recv, m, args[1] if len(args) > 1 else None, scope)]


def _rspec_stubs(infer, fs: FileScan, call: ts.Node, scope: Scope, recv: ts.Node) -> list[Stub]:
    """`allow(x).to receive(:m)`, `expect_any_instance_of(K).to receive(m: v)`, `receive_message_chain`."""
    wrapper = call_name(recv)
    if wrapper not in RSPEC_TARGETS:
        return []
    subject = first_arg(recv)
    matcher = _rspec_matcher(first_arg(call))
    if subject is None or matcher is None:
        return []
    target = infer.type_of(subject, scope)
    if RSPEC_TARGETS[wrapper]:
        target = _instances(target)
    if call_name(matcher) == "receive_message_chain":
        names = [(symbol_value(first_arg(matcher)) or "", None)]
    else:
        names = _names(matcher)
    return [Stub(fs, call, target, subject, m, val or _returned(call, matcher), scope) for m, val in names if m]


DOUBLE_BUILDERS = frozenset({"double", "spy", "mock", "stub", "stub_everything"})


def _double_local(node: ts.Node | None, scope: Scope, fs: FileScan) -> tuple | None:
    """Which bare double (`mock("c")`, `double`, `Minitest::Mock.new`) a local or `let` name holds here: the
    assignment reaching `node` (each `it` block's own `chat = double`), or the file's `let` of that name.
    None when the name holds something else."""
    if node is None or node.type != "identifier":
        return None
    name = node.text.decode()
    entries = scope.locals.get(name)
    if entries:
        before = [rhs for end, rhs in entries if end <= node.start_byte]
        if not before or before[-1] is None:
            return None
        built, key = _value_expr(before[-1], scope, fs), ("local", before[-1].id)
    elif fs.lets.get(name):
        built, key = _value_expr(node, scope, fs), ("let", fs.pf.rel, name)
    else:
        return None
    if built is None or built.type != "call":
        return None
    recv = call_receiver(built)
    if (recv is None and call_name(built) in DOUBLE_BUILDERS) or \
            (call_name(built) == "new" and recv is not None and const_path(recv) == "Minitest::Mock"):
        return key
    return None


def _type_mocked_doubles(an: Analysis, stubs: list[Stub]) -> None:
    """A double returned by a stub stands in for what the real method returns: later stubs on it
    (`RubyLLM.expects(:chat).returns(chat)`, then `chat.expects(:ask)`) are stubs on that type. Only when
    every stub returning that double agrees: one returned as a Chat and as an Embedding stands for neither."""
    typed: dict[tuple, set[TypeRef | None]] = {}
    for stub in stubs:
        if stub.target is None:
            continue
        key = _double_local(stub.value, stub.scope, stub.fs)
        if key is None:
            continue
        real = an.infer.return_of(stub.target, stub.method)
        typed.setdefault(key, set()).add(real if real is not None and real.checkable and not real.app_class
                                         else None)
    if not typed:
        return
    for stub in stubs:
        node = stub.target_node
        if stub.target is None and node is not None and node.type == "identifier":
            found = typed.get(_double_local(node, stub.scope, stub.fs) or (), set())
            if len(found) == 1:
                stub.target = next(iter(found))


def _value_expr(node: ts.Node | None, scope: Scope, fs: FileScan) -> ts.Node | None:
    """Follow a local or `let` name to the expression that built it."""
    for _ in range(3):
        if node is None or node.type != "identifier":
            return node
        name = node.text.decode()
        entries = [r for _, r in scope.locals.get(name, []) if r is not None]
        if entries:
            node = entries[-1]
            continue
        lets = fs.lets.get(name)
        if lets and lets[-1][0] is not None:
            node = last_expression(lets[-1][0])
            continue
        return None
    return node


def _stand_in_keys(an: Analysis, value: ts.Node | None, stub: Stub) -> list[tuple[str, ts.Node]]:
    """Methods a hand-built stand-in answers: `double(ask: x)`, `OpenStruct.new(text: y)`, Minitest::Mock."""
    node = _value_expr(value, stub.scope, stub.fs)
    if node is None or node.type != "call":
        return []
    name = call_name(node)
    recv = call_receiver(node)
    if recv is None and name in ("double", "spy", "stub", "mock"):  # RSpec / Mocha builders
        return _called([(k, node) for k in arg_shape(node).keywords], an)
    path = const_path(recv) if recv is not None else None
    if name == "new" and path == "OpenStruct":
        return _called([(k, node) for k in arg_shape(node).keywords], an)
    if name == "new" and path == "Minitest::Mock" and value is not None and value.type == "identifier":
        var = value.text.decode()
        keys = []
        for call, _scope in stub.fs.calls:
            if stub.fs.name_of(call) != "expect":
                continue
            r = call_receiver(call)
            if r is not None and r.type == "identifier" and r.text.decode() == var:
                m = symbol_value(first_arg(call))
                if m:
                    keys.append((m, call))
        return _called(keys, an)
    return []


def _called(keys: list[tuple[str, ts.Node]], an: Analysis) -> list[tuple[str, ts.Node]]:
    """Unverified stand-ins may carry extra test-only answers; only those the app calls matter."""
    return [(k, n) for k, n in keys if k in an.app_called_names]


def _stand_in_stubs(an: Analysis, stubs: list[Stub]) -> list[Stub]:
    """A stand-in returned by a stub must answer like the real return value would."""
    out: list[Stub] = []
    for stub in stubs:
        if stub.target is None or stub.value is None:
            continue
        keys = _stand_in_keys(an, stub.value, stub)
        if not keys:
            continue
        real = an.infer.return_of(stub.target, stub.method)
        if real is None or real.app_class or not real.checkable:
            continue
        for key, node in keys:
            plain = call_name(node) == "new" and const_path(call_receiver(node)) == "OpenStruct"
            out.append(Stub(stub.fs, node, real, None, key, None, stub.scope, fake_object=plain))
    return out


def _top(call: ts.Node) -> ts.Node:
    """The outermost call of a method chain containing `call` (`X.stubs(:m).returns(v)`)."""
    cur = call
    while cur.parent is not None and cur.parent.type == "call" and call_receiver(cur.parent) is not None \
            and call_receiver(cur.parent).id == cur.id:
        cur = cur.parent
    return cur
