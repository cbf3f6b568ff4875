"""rubyllm/argument-shape: arguments that bind to the RubyLLM signature but cannot work (data: argument_shapes.yaml).

Ruby accepts `chat.with_tools([A, B])` and `chat.ask(q, with: { max_tokens: 200 })`; the gem then
fails on them. Which shapes are wrong is data, checked against the gem source.
"""

from __future__ import annotations

from fnmatch import fnmatch
from functools import lru_cache
from pathlib import Path

import tree_sitter as ts

from static_checks.shipped_yaml import load_shipped_yaml
from static_checks.rules.base import Proof, Rule
from static_checks.rules.model.analysis import analysis, has_signature
from static_checks.rules.signature import binding_errors
from static_checks.types.syntax import arg_shape

NOT_POSITIONAL = frozenset({"pair", "splat_argument", "hash_splat_argument", "block_argument", "comment",
                            "heredoc_body"})


@lru_cache(maxsize=1)
def shapes() -> tuple[dict, ...]:
    text = Path(__file__).with_name("argument_shapes.yaml").read_text()
    return tuple(load_shipped_yaml(text))


def _arguments(call: ts.Node) -> list[ts.Node]:
    args = call.child_by_field_name("arguments")
    return list(args.named_children) if args is not None else []


def _positional(call: ts.Node) -> list[ts.Node]:
    return [a for a in _arguments(call) if a.type not in NOT_POSITIONAL]


def _keyword_value(call: ts.Node, keyword: str, pf) -> ts.Node | None:
    for arg in _arguments(call):
        if arg.type == "pair":
            key = arg.child_by_field_name("key")
            if key is not None and pf.text(key).rstrip(":").lstrip(":") == keyword:
                return arg.child_by_field_name("value")
    return None


def _array_value(node: ts.Node, pf) -> bool:
    """An Array literal, `[...].freeze`, or a constant assigned one of those in the same file."""
    if node.type == "array":
        return True
    if node.type == "call" and pf.text(node.child_by_field_name("method") or node) == "freeze":
        receiver = node.child_by_field_name("receiver")
        return receiver is not None and receiver.type == "array"
    if node.type == "constant":
        name = pf.text(node)
        stack = [pf.root]
        while stack:
            cur = stack.pop()
            if cur.type == "assignment":
                left, right = cur.child_by_field_name("left"), cur.child_by_field_name("right")
                if left is not None and left.type == "constant" and pf.text(left) == name and right is not None:
                    return right.type == "array" or (right.type == "call" and _array_value(right, pf))
            stack.extend(cur.named_children)
    return False


def _bad_literals(node: ts.Node | None, shape: dict) -> list[ts.Node]:
    """Hash values or Array elements of the literal given, of the node types the shape forbids."""
    if node is None:
        return []
    if node.type == "hash":
        kinds = set(shape.get("literal_values", ()))
        values = [p.child_by_field_name("value") for p in node.named_children if p.type == "pair"]
        return [v for v in values if v is not None and v.type in kinds]
    if node.type == "array":
        kinds = set(shape.get("array_elements", ()))
        return [e for e in node.named_children if e.type in kinds]
    return []


def _given_block(call: ts.Node) -> ts.Node | None:
    """The block literal written with the call (`do ... end`, `{ ... }`); a `&blk` pass may hold nil."""
    return call.child_by_field_name("block")


def _dropped_block(an, tc):
    """A block given to a gem method whose source never runs it (manifest `never_yields`, followed through
    `(...)` forwarders and `new` to `initialize`): Ruby accepts it silently and the code inside never runs."""
    block = _given_block(tc.call) if tc.call.type == "call" else None
    if block is None:
        return None
    look = an.lookup(tc.rtype, tc.name, tc.fs.is_test)
    sig = look.sig
    if look.status != "found" or sig is None or not sig.never_yields:
        return None
    if has_signature(sig) and binding_errors(sig, arg_shape(tc.call)):
        return None  # the arguments cannot bind: ArgumentError first (rubyllm/wrong-arguments says so)
    steps = [f"{sig.owner or tc.rtype.name}{'.' if tc.rtype.singleton else '#'}{tc.name}"]
    last = sig
    while last.forwards_to and len(steps) < 4:  # `RubyLLM.chat(...)` -> `Chat.new` -> `Chat#initialize`
        steps.append(last.forwards_to)
        owner, sep, name = last.forwards_to.rpartition("#") if "#" in last.forwards_to \
            else last.forwards_to.rpartition(".")
        last = an.index.find_method(owner, name, singleton=sep == ".")
        if last is None:
            break
    where = f" ({last.location})" if last is not None and last.location else ""
    return RULE.finding(
        tc.pf, block, f"`{tc.name}` never runs the block given to it: the code in the block is dropped",
        f"ruby_llm {an.version}: {' hands its block to '.join(steps)}{where}, which has no `yield`, `block_given?`, "
        f"block parameter or `super`; Ruby accepts the block and ignores it",
        hint=f"use the value `{tc.name}` returns instead of a block (e.g. `chat = RubyLLM.chat` then `chat.ask(...)`)")


def check(ctx):
    an = analysis(ctx)
    for tc in an.typed_calls:
        dropped = _dropped_block(an, tc)
        if dropped is not None:
            yield dropped
        for shape in shapes():
            if tc.name != shape["method"] or not any(fnmatch(tc.rtype.name, o) for o in shape["owners"]):
                continue
            if an.find(tc.rtype, tc.name) is None:
                continue  # missing in this release: unknown-method / version-mismatch speak for it
            if "positional_array" in shape:
                positional = _positional(tc.call)
                if len(positional) == 1 and _array_value(positional[0], tc.pf):
                    yield RULE.finding(
                        tc.pf, positional[0], f"`{tc.name}` given an Array as one argument",
                        f"ruby_llm {an.version}: {shape['positional_array']}", hint=shape["hint"])
            if "keyword" in shape:
                bad = _bad_literals(_keyword_value(tc.call, shape["keyword"], tc.pf), shape)
                if bad:
                    yield RULE.finding(
                        tc.pf, bad[0], f"`{shape['keyword']}:` of `{tc.name}` given values that cannot be attachments",
                        f"ruby_llm {an.version}: {shape['message']}", hint=shape["hint"])



RULE = Rule(
    id="rubyllm/argument-shape",
    summary="Arguments that bind to the signature but that the gem cannot use",
    why=(
        "Ruby accepts the call, then the gem fails deep inside (an array of tools, request options passed as "
        "attachments): the feature silently breaks."
    ),
    bad="""
    def answer(question) = RubyLLM.chat.ask(question, with: { max_tokens: 200 })
""",
    good="""
    def answer(question) = RubyLLM.chat.with_params(max_tokens: 200).ask(question)
""",
    proof=Proof.shape_table,
    check=check,
)
