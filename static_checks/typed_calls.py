"""The typed-call model: calls of the app whose receiver has a known RubyLLM type.

One record (`TypedCall`) for rules and facts. Two selections of it, because they answer different
questions: `checked_calls` is what the manifest can judge (rules), `rubyllm_calls` is every call on a
RubyLLM object, collections and write targets included (rubric facts).
"""

from __future__ import annotations

from dataclasses import dataclass

import tree_sitter as ts

from static_checks.manifest.index import ManifestIndex
from static_checks.parsing import ParsedFile
from static_checks.types import Inferer, Project
from static_checks.types.ref import TypeRef
from static_checks.types.scan import FileScan, Scope
from static_checks.types.syntax import call_name, call_receiver, contains, enclosing

SCHEMA = "RubyLLM::Schema"


@dataclass
class TypedCall:
    fs: FileScan
    node: ts.Node  # the call, or the assignment for a writer
    call: ts.Node  # the call node (left side of the assignment for a writer)
    scope: Scope
    rtype: TypeRef  # the receiver's type (for a receiver-less call, the type of `self`)
    name: str  # method name; writers end in "="
    explicit: bool  # written with a receiver
    self_receiver: bool  # receiver is literally `self`
    in_block: bool = False  # receiver-less call inside a block in a class body (DSL context)

    @property
    def pf(self) -> ParsedFile:
        return self.fs.pf

    @property
    def is_test(self) -> bool:
        return self.fs.is_test

    @property
    def method_node(self) -> ts.Node:
        """Where to point a finding: the method name (`chat.user` -> `user`)."""
        return self.call.child_by_field_name("method") or self.call


def checked_calls(project: Project, infer: Inferer, index: ManifestIndex) -> list[TypedCall]:
    """Calls the manifest can judge: checkable receivers, writers as `x=` rather than their target `x`,
    and receiver-less calls in class-body blocks only inside a RubyLLM::Schema (its DSL)."""
    out: list[TypedCall] = []
    for fs in project.scans:
        for call, scope in fs.calls:
            name = fs.name_of(call)
            if name is None or fs.is_write_target(call):
                continue  # a write target is checked as its writer `x=` below
            recv = fs.receiver_of(call)
            rtype = infer.receiver_type(call, scope)
            if rtype is None or not rtype.checkable:
                continue
            in_block = recv is None and scope.in_class_body and _inside_block(call, scope)
            if in_block and not index.is_subclass(rtype.name, SCHEMA):
                continue  # `params do ... end` and friends run the block on another object
            is_self = recv is not None and recv.type == "self"
            out.append(TypedCall(fs, call, call, scope, rtype, name, recv is not None, is_self, in_block))
        for assign, left, scope in fs.writes:
            name = call_name(left)
            recv = call_receiver(left)
            if name is None or recv is None:
                continue
            rtype = infer.type_of(recv, scope)
            if rtype is None or not rtype.checkable:
                continue
            out.append(TypedCall(fs, assign, left, scope, rtype, name + "=", True, recv.type == "self"))
        out.extend(_index_calls(fs, infer))
    return out


def _index_calls(fs: FileScan, infer: Inferer) -> list[TypedCall]:
    """`recv[k]` and `recv[k] = v` call the methods `[]` and `[]=`: checked like any other call, so the
    OpenAI raw-JSON shape (`response["choices"]`) on a RubyLLM object is judged by the manifest."""
    out: list[TypedCall] = []
    for assign, ref, scope in fs.indexes:
        recv = ref.child_by_field_name("object")
        rtype = infer.type_of(recv, scope)
        if recv is None or rtype is None or not rtype.checkable:
            continue
        name = "[]" if assign is None else "[]="
        out.append(TypedCall(fs, assign or ref, ref, scope, rtype, name, True, recv.type == "self"))
    return out


def rubyllm_calls(project: Project, infer: Inferer) -> list[TypedCall]:
    """Every call on a RubyLLM object, in file order. fs.calls includes write targets
    (`config.default_model = x` as `default_model`): the model facts read them."""
    out: list[TypedCall] = []
    for fs in project.scans:
        for call, scope in fs.calls:
            t = infer.receiver_type(call, scope)
            name = call_name(call)
            # `plain` types are app classes typed only to follow return values: not RubyLLM objects.
            if t is not None and not t.plain and name is not None:
                recv = call_receiver(call)
                is_self = recv is not None and recv.type == "self"
                out.append(TypedCall(fs, call, call, scope, t, name, recv is not None, is_self))
    return out


def _inside_block(node: ts.Node, scope: Scope) -> bool:
    """A block encloses the node within its scope (the scope's node is never a block)."""
    block = enclosing(node, "block", "do_block")
    return block is not None and contains(scope.node, block)
