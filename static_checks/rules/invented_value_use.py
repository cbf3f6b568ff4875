"""rubyllm/invented-value-use: a later use of a value that an invented call or constant produced.

After `client = RubyLLM.client(...)` (or `RubyLLM::Client.new`) the code goes on calling the invented
object: `client.chat(messages: ...)`, `response["output_text"]`. Each such use is reported when no
RubyLLM class could accept it (no class has the method, or none takes those arguments), linked to its
root finding in `related`. The root stays the one error that counts: uses are warnings in their own
category, which no score or fact counts.
"""

from __future__ import annotations

from functools import lru_cache

import tree_sitter as ts

from static_checks.manifest.core import core_superclass, object_methods
from static_checks.records import Category, RelatedLocation, Severity
from static_checks.rules import unknown_constant, unknown_method
from static_checks.rules.base import Proof, Rule
from static_checks.rules.model.analysis import analysis
from static_checks.rules.model.missing import missing_calls
from static_checks.rules.model.vocabulary import TEST_DOUBLE_METHODS
from static_checks.rules.signature import binding_errors
from static_checks.rules.unknown_constant import missing_constants
from static_checks.types.carriers import carriers
from static_checks.types.infer import Inferer, _invented_result
from static_checks.types.ref import TypeRef
from static_checks.types.scan import FileScan
from static_checks.types.syntax import ArgShape, arg_shape, call_receiver, const_path

# Model-registry data (pricing tiers) is never what a client call returns; its `[]` accepts any key
# and would otherwise make every hash-shaped read of an invented response "acceptable".
_NOT_RESULTS = ("RubyLLM::Model::",)


def _key(pf, node: ts.Node) -> tuple[str, int, int]:
    return (pf.rel, node.start_point[0] + 1, node.start_point[1] + 1)


def _roots(ctx, an) -> tuple[dict[int, str], dict[str, tuple], set[int], list[tuple[ts.Node, FileScan]]]:
    """node id -> root key, root key -> (its finding, what to call it), the ids of root constants, and the
    root nodes with their files."""
    from static_checks.rules import rule_findings

    findings = {(f.file, f.line, f.column): f for rule in (unknown_method, unknown_constant)
                for f in rule_findings(rule.RULE, ctx)}
    roots: dict[int, str] = {}
    by_key: dict[str, tuple] = {}
    constants: set[int] = set()
    nodes: list[tuple[ts.Node, FileScan]] = []

    def add(node: ts.Node, fs: FileScan, where: tuple[str, int, int], label: str | None = None) -> bool:
        f = findings.get(where)
        if f is None:
            return False
        key = "%s:%d:%d" % where
        roots[node.id] = key
        nodes.append((node, fs))
        by_key[key] = (f, label or _root_label(f))
        return True

    for miss in missing_calls(an):
        tc = miss.tc
        # a data read (`response[:x]`, `reply.text`) is an end, not an invented object to follow
        if miss.kind == "method" and not miss.versions and _invented_result(TypeRef("x", invented="x"), tc.name) \
                and not _confused_receiver(an.index, tc):
            add(tc.call, tc.fs, _key(tc.pf, tc.method_node))
    for miss in missing_constants(an):
        if miss.versions or (miss.miscased and not _invented_when_spelt_right(an, miss.node)):
            continue
        if add(miss.node, miss.fs, _key(miss.fs.pf, miss.node), const_path(miss.node)):
            constants.add(miss.node.id)
    return roots, by_key, constants, nodes


def _confused_receiver(index, tc) -> bool:
    """`reply.messages` on the Message that `ask` returned: the name is real on another RubyLLM object (Chat),
    so the author mistook the receiver, and the value meant is that real method's (an Array of messages), not
    more invented API. Names invented on the module or a class (`RubyLLM.complete`) still start a trail."""
    return not tc.rtype.singleton and any(sig is not None for sig in _candidates(index, tc.name))


def _invented_when_spelt_right(an, node: ts.Node) -> bool:
    """`RubyLlm::Client` is invented twice over (no `RubyLLM::Client` either): its value is followed;
    `RubyLlm.chat` would be a real chat once the case is fixed, so it is not."""
    path = const_path(node)
    if not path or "::" not in path:
        return False
    fixed = "RubyLLM::" + path.lstrip(":").split("::", 1)[1]
    return not an.index.has_constant(fixed)


@lru_cache(maxsize=256)
def _candidates(index, name: str) -> tuple:
    """Public instance methods named `name` of any RubyLLM class or module: an invented call or `.new`
    hands back an object, never a class. A core method counts when every object has it (`nil?`,
    `present?`) or when the class includes the core module that defines it: RubyLLM::Chat, Agent and
    Models include Enumerable, so `map`, `any?` and `first` are names a RubyLLM object accepts."""
    if name in object_methods():
        return (None,)
    out = []
    for ns in index.namespace_names():
        if ns.startswith(_NOT_RESULTS):
            continue
        sig = index.find_method(ns, name, False)
        if sig is not None and sig.visibility == "public" and (sig.origin != "core" or _from_included_module(sig)):
            out.append(sig)
    return tuple(out)


def _from_included_module(sig) -> bool:
    """A core method brought by an `include` (Enumerable, Comparable), not by a core superclass. Only the
    internal Struct classes (Bedrock's Signing::ParamComponent in 1.1.0-1.11.0, ToolConcurrency::Result in
    1.16.0) and the error classes inherit core methods, and Struct's `[]`/`dig` take any key: counting a
    superclass's methods too would accept `response["output_text"]` on an invented client's reply in 25 of
    the 35 releases, the very use the rule exists to report. No RubyLLM class gets `[]`, `[]=`, `dig` or
    `fetch` from an included module in any release."""
    return core_superclass(sig.owner or "") is None


def _accepted(index, name: str, shape: ArgShape) -> bool:
    return any(sig is None or not binding_errors(sig, shape) for sig in _candidates(index, name))


def _index_shape(ref: ts.Node, assigned: bool) -> ArgShape:
    """`recv[a, b]` passes a, b to `[]`; `recv[a] = v` passes a, v to `[]=`."""
    shape = ArgShape()
    for child in ref.named_children:
        if child.id != (ref.child_by_field_name("object") or ref).id and child.type != "comment":
            shape.positional.append(child)
    if assigned:
        shape.positional.append(ref)  # the assigned value (any node stands for it)
    return shape


def _uses(fs: FileScan, infer: Inferer, constants: set[int], asked: set[int] | None):
    """(call, its receiver, node to point at, receiver type, method name, argument shape) for every call on
    an invented value; only receivers in `asked` are inferred (all when None)."""
    for call, scope in fs.calls:
        recv = fs.receiver_of(call)
        name = fs.name_of(call)
        # calls straight on an invented constant (`RubyLLM::Client.new(...)`) are part of the root
        if recv is None or name is None or recv.id in constants or fs.is_write_target(call):
            continue
        if asked is not None and recv.id not in asked:
            continue
        t = infer.type_of(recv, scope)
        if t is not None and t.invented:
            yield call, recv, call.child_by_field_name("method") or call, t, name, arg_shape(call)
    for _assign, left, scope in fs.writes:
        recv = call_receiver(left)
        name = fs.name_of(left)
        if recv is None or name is None or recv.id in constants or (asked is not None and recv.id not in asked):
            continue
        t = infer.type_of(recv, scope)
        if t is not None and t.invented:
            yield left, recv, left.child_by_field_name("method") or left, t, name + "=", ArgShape(positional=[left])
    for assign, ref, scope in fs.indexes:
        recv = ref.child_by_field_name("object")
        if recv is None or recv.id in constants or (asked is not None and recv.id not in asked):
            continue
        t = infer.type_of(recv, scope)
        if t is not None and t.invented:
            yield ref, recv, ref, t, "[]" if assign is None else "[]=", _index_shape(ref, assign is not None)


def check(ctx):
    an = analysis(ctx)
    roots, by_key, constants, nodes = _roots(ctx, an)
    if not roots:
        return
    # Only receivers the roots' values may reach are inferred again (types.carriers). Without a loop cut,
    # each of their values depends on nothing outside what it reaches, so asking fewer receivers leaves it
    # as it is; after a cut a value may depend on the order values were asked for: all are asked, in order.
    infer = Inferer(an.project, an.index, roots=roots)
    found = list(_findings(an, infer, constants, by_key, carriers(an.project, nodes)))
    if infer.cuts:
        found = list(_findings(an, Inferer(an.project, an.index, roots=roots), constants, by_key, None))
    yield from found


def _findings(an, infer: Inferer, constants: set[int], by_key: dict[str, tuple], asked: set[int] | None):
    for fs in an.project.scans:
        # `client.chat(...)` under `if client.respond_to?(:chat)` probes an optional API: not a claim
        uses = [u for u in _uses(fs, infer, constants, asked)
                if u[4] not in TEST_DOUBLE_METHODS and u[4].rstrip("=") not in an.respond_to_names
                and not _accepted(an.index, u[4], u[5])]
        # one finding per link that starts an invented chain: `output.choices.first` reports `choices`,
        # not also `first` on what `choices` would have returned
        reported = {call.id for call, *_ in uses}
        for _call, recv, node, t, name, _shape in uses:
            if recv.id not in reported:
                yield _finding(an, fs, node, name, *by_key[t.invented])


def _finding(an, fs, node: ts.Node, name: str, root, label: str):
    f = RULE.finding(
        fs.pf, node,
        f"`{name}` is called on a value from the invented `{label}` "
        f"({root.file}:{root.line}): no RubyLLM object accepts it",
        f"the value comes from {root.rule} at {root.file}:{root.line}:{root.column}; in ruby_llm "
        f"{an.version} (manifest) no object of any class has a public `{name}` taking these arguments",
    )
    return f.model_copy(update={"related": [RelatedLocation(
        rule=root.rule, file=root.file, line=root.line, column=root.column, message=root.message)]})


def _root_label(root) -> str:
    """`RubyLLM.client` / `RubyLLM::Client` out of the root's message (its first back-quoted name)."""
    msg = root.message
    start = msg.find("`")
    end = msg.find("`", start + 1)
    return msg[start + 1:end] if start >= 0 and end > start else root.rule


RULE = Rule(
    id="rubyllm/invented-value-use",
    summary="A later use of a value that an invented call or constant produced",
    why=(
        "Agents that invent one entry point (`RubyLLM.client`, `RubyLLM::Client`) go on to invent the API "
        "around it: listing every use shows the whole invented flow at once. Only the root counts as the "
        "error; the uses are linked to it and never counted again."
    ),
    bad="""
    client = RubyLLM.client(api_key: ENV["OPENAI_API_KEY"])
    response = client.chat(messages: [{ role: "user", content: "Hi" }])
    puts response["output_text"]
""",
    good="""
    chat = RubyLLM.chat
    response = chat.ask("Hi")
    puts response.content
""",
    proof=Proof.absence,
    check=check,
    category=Category.invented_use,
    severity=Severity.warning,
)
