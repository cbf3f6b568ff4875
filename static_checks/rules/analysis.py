"""The shared model every rule reads: typed calls and method lookups, built once per app root."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property, lru_cache

import tree_sitter as ts

from static_checks.context import ProjectContext
from static_checks.manifest.core import mixin_methods, object_methods, private_kernel_methods
from static_checks.manifest.index import available_versions
from static_checks.manifest.model import MethodSig
from static_checks.manifest.versions import version_key
from static_checks.rules.base import did_you_mean
from static_checks.types import TypeRef, analyze
from static_checks.types.scan import FileScan, Scope, is_plain_write_target
from static_checks.types.syntax import call_name, call_receiver

# Test-double APIs (Mocha, Minitest, RSpec's old syntax) reachable on any object in a test;
# rule 8 checks what they stub, rule 2 must not call them invented.
TEST_DOUBLE_METHODS = frozenset({
    "stubs", "expects", "any_instance", "stub", "stub_any_instance", "unstub", "mock",
    "should_receive", "should_not_receive", "should", "should_not", "stub_chain", "stubs_chain",
})
# ActiveSupport's Module extensions and Concern hooks: class-body macros any Rails class may use.
ACTIVESUPPORT_MODULE = frozenset({
    "delegate", "delegate_missing_to", "class_attribute", "cattr_accessor", "cattr_reader",
    "cattr_writer", "mattr_accessor", "mattr_reader", "mattr_writer", "thread_mattr_accessor",
    "thread_cattr_accessor", "attr_internal", "attr_internal_accessor", "attr_internal_reader",
    "attr_internal_writer", "redefine_method", "silence_redefinition_of_method", "module_parent",
    "module_parent_name", "deprecate", "concerning", "included", "class_methods", "prepended",
    "extended", "inherited", "alias_attribute", "define_model_callbacks", "define_callbacks",
    "set_callback", "run_callbacks", "rescue_from", "validates", "validate", "attribute",
})


@dataclass
class TypedCall:
    fs: FileScan
    node: ts.Node  # the call, or the assignment for a writer
    call: ts.Node  # the call node (left side of the assignment for a writer)
    scope: Scope
    rtype: TypeRef
    name: str  # method name; writers end in "="
    explicit: bool  # written with a receiver
    self_receiver: bool  # receiver is literally `self`
    in_block: bool = False  # receiver-less call inside a block in a class body (DSL context)

    @property
    def pf(self):
        return self.fs.pf

    @property
    def method_node(self) -> ts.Node:
        """Where to point a finding: the method name (`chat.user` -> `user`)."""
        return self.call.child_by_field_name("method") or self.call


@lru_cache(maxsize=1)
def generic_names() -> frozenset[str]:
    """Names any Ruby value answers (Object, Enumerable, conversions): no evidence on their own."""
    extra = {"to_a", "to_h", "to_s", "to_str", "to_ary", "to_hash", "to_json", "call", "size", "length",
             "first", "last", "keys", "values", "fetch", "dig", "[]", "each", "map", "name", "id", "value"}
    return object_methods() | mixin_methods("Enumerable") | frozenset(extra)


def has_signature(sig: MethodSig | None) -> bool:
    """The manifest knows real parameters (core methods carry a catch-all; `new` borrows initialize's)."""
    return sig is not None and (sig.origin != "core" or sig.forwards_to is not None)


@dataclass
class Lookup:
    status: str  # "found" | "app" | "open" | "missing" | "skip"
    sig: MethodSig | None = None


# Other gems extending RubyLLM (`ruby_llm-mcp` -> RubyLLM::MCP) named in a Gemfile or gemspec.
_RESPOND_TO = re.compile(rb"""respond_to\?\(?\s*:["']?(\w+[?!]?)""")
_EXTENSION_GEM = re.compile(rb"""["']ruby_llm[-_]([a-z0-9_]+)["']""")


def extension_namespaces(ctx: ProjectContext) -> set[str]:
    """Squashed lower-case names (`mcp`, `redcandle`) of RubyLLM extension gems the app requires."""
    out: set[str] = set()
    for pf in ctx.files:
        base = pf.rel.rsplit("/", 1)[-1]
        if base == "Gemfile" or base.endswith(".gemspec"):
            for m in _EXTENSION_GEM.finditer(pf.source):
                out.add(m.group(1).decode().replace("_", "").lower())
    out.discard("schema")  # RubyLLM::Schema is in the manifests
    return out


class Analysis:
    def __init__(self, ctx: ProjectContext) -> None:
        self.ctx = ctx
        self.index = ctx.index
        self.version = ctx.index.version
        model = analyze(ctx)
        self.files = model.files
        self.extensions = extension_namespaces(ctx)
        self.project = model.project
        self.infer = model.infer

    def from_extension(self, fq: str) -> bool:
        """`RubyLLM::MCP::Client` when the app requires ruby_llm-mcp."""
        parts = fq.split("::")
        return len(parts) > 1 and parts[1].replace("_", "").lower() in self.extensions

    @cached_property
    def app_called_names(self) -> dict[str, TypedCall | ts.Node]:
        """Method names app code (not tests) calls with a receiver, minus generic Ruby names."""
        out: dict[str, ts.Node] = {}
        for fs in self.project.scans:
            if fs.is_test:
                continue
            for call, _scope in fs.calls:
                name = fs.name_of(call)
                if name and call_receiver(call) is not None and name not in generic_names() \
                        and name not in self.respond_to_names:
                    out.setdefault(name, call)
            for _assign, left, _scope in fs.writes:
                name = fs.name_of(left)
                if name:
                    out.setdefault(name + "=", left)
        return out

    @cached_property
    def typed_calls(self) -> list[TypedCall]:
        out: list[TypedCall] = []
        infer = self.infer
        for fs in self.project.scans:
            for call, scope in fs.calls:
                name = fs.name_of(call)
                if name is None or is_plain_write_target(call):
                    continue  # a write target is checked as its writer `x=` below
                recv = call_receiver(call)
                rtype = infer.receiver_type(call, scope)
                if rtype is None or not rtype.checkable:
                    continue
                in_block = recv is None and scope.in_class_body and _inside_block(call, scope)
                if in_block and not self.index.is_subclass(rtype.name, "RubyLLM::Schema"):
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
        return out

    # ---- method lookup --------------------------------------------------------------
    def namespaces_of(self, t: TypeRef) -> list[str]:
        """The manifest namespaces to consult: acts_as types may use either Rails API."""
        names = [t.name]
        if self.project.new_acts_as is None:
            for a, b in (("::ActsAsLegacy::", "::ActsAs::"), ("::ActsAs::", "::ActsAsLegacy::")):
                if a in t.name:
                    alt = t.name.replace(a, b)
                    if self.index.namespace(alt) is not None:
                        names.append(alt)
        return names

    def find(self, t: TypeRef, name: str) -> MethodSig | None:
        for ns in self.namespaces_of(t):
            sig = self.index.find_method(ns, name, singleton=t.singleton)
            if sig is not None:
                return sig
        return None

    def lookup(self, t: TypeRef, name: str, in_test: bool = False) -> Lookup:
        if name in TEST_DOUBLE_METHODS:
            return Lookup("skip")
        project = self.project
        if t.app_class:
            app = project.classes.get(t.app_class)
            if app is not None and (app.defines(name, t.singleton) or (
                    t.singleton and name == "new" and app.find_def("initialize", False) is not None)):
                return Lookup("app")  # the app's own method (or constructor) answers
        inst, sing = project.patches[in_test].get(t.name, (set(), set()))
        if name in (sing if t.singleton else inst):
            return Lookup("app")
        sig = self.find(t, name)
        if sig is not None:
            return Lookup("found", sig)
        if t.open or t.name in project.patched_open[in_test]:
            return Lookup("open")
        if t.app_class:
            app = project.classes.get(t.app_class)
            if app is not None and app.has_foreign_mixins():
                return Lookup("open")
        if any(self.index.has_method_missing(ns, t.singleton) for ns in self.namespaces_of(t)):
            return Lookup("open")
        return Lookup("missing")

    def versions_with_method(self, t: TypeRef, name: str) -> list[str]:
        found: set[str] = set()
        for ns in self.namespaces_of(t):
            found.update(self.index.versions_with_method(ns, name, singleton=t.singleton))
        return sorted(found, key=version_key)

    def public_names(self, t: TypeRef) -> list[str]:
        names: set[str] = set()
        for ns in self.namespaces_of(t):
            names.update(self.index.method_names(ns, singleton=t.singleton))
        return sorted(names)

    @cached_property
    def respond_to_names(self) -> set[str]:
        """Names the code probes with `respond_to?(:name)`: optional API, guarded at run time."""
        out: set[str] = set()
        for pf in self.files:
            if b"respond_to?" in pf.source:
                out.update(m.decode() for m in _RESPOND_TO.findall(pf.source))
        return out

    def guarded(self, tc: TypedCall) -> bool:
        """The app checks `respond_to?(:name)` itself: a version guard, not an invented call."""
        return tc.name.rstrip("=") in self.respond_to_names


def _inside_block(node: ts.Node, scope: Scope) -> bool:
    cur = node.parent
    while cur is not None and cur.id != scope.node.id:
        if cur.type in ("block", "do_block"):
            return True
        cur = cur.parent
    return False


def analysis(ctx: ProjectContext) -> Analysis:
    cached = ctx.cache.get("analysis")
    if cached is None:
        cached = Analysis(ctx)
        ctx.cache["analysis"] = cached
    return cached  # type: ignore[return-value]


def owner_label(t: TypeRef, name: str) -> str:
    """`RubyLLM::Chat#ask` / `RubyLLM.chat` as a reader would write it."""
    owner = t.app_class or t.name
    if "::ActsAs" in t.name and t.app_class:
        owner = t.app_class
    sep = "." if t.singleton else "#"
    return f"{owner}{sep}{name}"


def version_ranges(versions: list[str]) -> str:
    """Releases as contiguous runs of the known release list: "1.3.0..1.6.4, 1.10.0..1.16.0"."""
    allv = available_versions()
    have = set(versions)
    runs: list[list[str]] = []
    for v in allv:
        if v in have:
            if runs and runs[-1][-1] == allv[allv.index(v) - 1]:
                runs[-1].append(v)
            else:
                runs.append([v])
    return ", ".join(r[0] if len(r) == 1 else f"{r[0]}..{r[-1]}" for r in runs)


def all_releases() -> str:
    allv = available_versions()
    return f"{allv[0]}..{allv[-1]}"


def version_phrase(locked: str, versions: list[str]) -> str:
    """"added in 1.6.0" / "removed in 1.3.0" / "present only in 1.2.0 .. 1.4.1"."""
    lk = version_key(locked)
    later = [v for v in versions if version_key(v) > lk]
    earlier = [v for v in versions if version_key(v) < lk]
    if later and not earlier:
        return f"added in {later[0]}"
    if earlier and not later:
        allv = available_versions()
        after = [v for v in allv if version_key(v) > version_key(earlier[-1])]
        return f"removed in {after[0]}" if after else f"last present in {earlier[-1]}"
    return f"present only in {versions[0]} .. {versions[-1]}"


@dataclass
class Missing:
    """A call the locked manifest cannot answer: what kind of proof it needs, and where it exists."""

    tc: TypedCall
    kind: str  # "method" | "config" | "schema-dsl" | "reader-only"
    versions: list[str]  # other releases that have it (empty: invented everywhere)


CONFIG = "RubyLLM::Configuration"


def missing_calls(an: Analysis) -> list[Missing]:
    cached = an.ctx.cache.get("missing_calls")
    if cached is not None:
        return cached  # type: ignore[return-value]
    out: list[Missing] = []
    for tc in an.typed_calls:
        kind = _missing_kind(an, tc)
        if kind is None:
            continue
        versions = [] if kind == "reader-only" else an.versions_with_method(tc.rtype, tc.name)
        if kind == "drift-only" and not versions:
            continue  # open types (ActiveRecord models): only version drift is provable
        out.append(Missing(tc, "method" if kind == "drift-only" else kind, versions))
    an.ctx.cache["missing_calls"] = out
    return out


def absent_calls(an: Analysis, kind: str):
    """(typed call, public names of its receiver) for `kind` misses that no release has."""
    for miss in missing_calls(an):
        if miss.kind == kind and not miss.versions:
            yield miss.tc, an.public_names(miss.tc.rtype)


def absent_call_findings(rule, ctx, kind: str, describe):
    """Findings for absent calls of `kind`: describe(an, tc, names) -> (message, evidence); hint from names."""
    an = analysis(ctx)
    for tc, names in absent_calls(an, kind):
        message, evidence = describe(an, tc, names)
        yield rule.finding(tc.pf, tc.method_node, message, evidence, hint=did_you_mean(tc.name, names))


def _missing_kind(an: Analysis, tc: TypedCall) -> str | None:
    t = tc.rtype
    if not tc.explicit:
        # receiver-less calls: only class-body DSL (`param`, `description`, schema `string`)
        if tc.scope.kind not in ("class", "sclass") or not t.app_class:
            return None
        if tc.name in an.project.app_method_names or tc.name in ACTIVESUPPORT_MODULE:
            return None
        if tc.name in private_kernel_methods():
            return None
    status = an.lookup(t, tc.name, tc.fs.is_test).status
    if status not in ("missing", "open") or an.guarded(tc):
        return None
    if status == "open":
        # ActiveRecord models: a bare `chat.model_id` may be a column, so only calls with
        # arguments or a block are proof of a missing macro method
        has_args = tc.call.child_by_field_name("arguments") is not None or \
            tc.call.child_by_field_name("block") is not None
        return "drift-only" if t.open and tc.explicit and has_args and not tc.name.endswith("=") else None
    if tc.name.endswith("=") and tc.name[:-1] and an.find(t, tc.name[:-1]) is not None:
        return "reader-only"
    if t.name == CONFIG and not t.singleton:
        return "config"
    if not tc.explicit and an.index.is_subclass(t.name, "RubyLLM::Schema"):
        return "schema-dsl"
    return "method"
