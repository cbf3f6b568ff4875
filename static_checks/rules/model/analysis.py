"""The shared model every rule reads, built once per app root: receiver types, typed calls, method lookup."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

import tree_sitter as ts

from static_checks.context import ProjectContext
from static_checks.manifest.model import MethodSig
from static_checks.manifest.versions import version_key
from static_checks.models_world.declarations import harmless_class_body_calls, may_define_methods
from static_checks.rules.model.vocabulary import TEST_DOUBLE_METHODS, generic_names
from static_checks.typed_calls import TypedCall, checked_calls
from static_checks.types import TypeRef, analyze
from static_checks.types.syntax import text

# Words of a body that may define methods (or hand them to code that does): such a body is a gap.
_HANDS_OVER_SELF = re.compile(r"\bself\b")
_RESPOND_TO = re.compile(rb"""respond_to\?\(?\s*:["']?(\w+[?!]?)""")
# Other gems extending RubyLLM (`ruby_llm-mcp` -> RubyLLM::MCP) named in a Gemfile or gemspec.
_EXTENSION_GEM = re.compile(rb"""["']ruby_llm[-_]([a-z0-9_]+)["']""")


def has_signature(sig: MethodSig | None) -> bool:
    """The manifest knows real parameters (core methods carry a catch-all; `new` borrows initialize's)."""
    return sig is not None and (sig.origin != "core" or sig.forwards_to is not None)


@dataclass
class Lookup:
    status: str  # "found" | "app" | "open" | "missing" | "unverifiable" | "skip"
    sig: MethodSig | None = None
    reason: str | None = None  # for "unverifiable": what could not be read
    columns_unknown: bool = False  # "unverifiable", and the table's columns could not be read


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
    def app_called_names(self) -> dict[str, ts.Node]:
        """Method names app code (not tests) calls with a receiver, minus generic Ruby names."""
        out: dict[str, ts.Node] = {}
        for fs in self.project.scans:
            if fs.is_test:
                continue
            for call, _scope in fs.calls:
                name = fs.name_of(call)
                if name and fs.receiver_of(call) is not None and name not in generic_names() \
                        and name not in self.respond_to_names:
                    out.setdefault(name, call)
            for _assign, left, _scope in fs.writes:
                name = fs.name_of(left)
                if name:
                    out.setdefault(name + "=", left)
        return out

    @cached_property
    def typed_calls(self) -> list[TypedCall]:
        return checked_calls(self.project, self.infer, self.index)

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

    def lookup(self, t: TypeRef, name: str, in_test: bool = False, macro: bool = False) -> Lookup:
        """`macro`: a receiver-less class-body call, judged on its own (the base's DSL, the app's defs), so
        the other macros of the body that we cannot read leave it checked."""
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
        if t.open and t.app_class and not t.plain and "::ActsAs" in t.name:
            # an acts_as model instance, or its class / a relation: ActiveRecord's API, columns... (models_world)
            from static_checks.models_world.world import model_world

            world = model_world(self.ctx)
            verdict = world.class_verdict(t.app_class, name) if t.singleton else world.verdict(t.app_class, name)
            status = {"known": "app"}.get(verdict.status, verdict.status)
            return Lookup(status, reason=verdict.reason, columns_unknown=verdict.columns_unknown)
        if t.open or t.name in project.patched_open[in_test]:
            return Lookup("open")
        if t.app_class:
            app = project.classes.get(t.app_class)
            if app is not None and app.has_foreign_mixins():
                return Lookup("open")
            gaps = app.declaration_gaps(t.singleton, lambda call: self._harmless(app, t, call)) \
                if app and not macro else []
            if gaps:
                return Lookup("unverifiable", reason=gaps[0])
        if any(self.index.has_method_missing(ns, t.singleton) for ns in self.namespaces_of(t)):
            return Lookup("open")
        return Lookup("missing")

    def _harmless(self, app, t: TypeRef, call: ts.Node) -> bool:
        """A class-body call of an app class built on RubyLLM that defines no method: its base's DSL
        (`description`, `param`, schema `string`, in any release), Ruby's and Rails' non-defining class
        methods, or an app class method whose body defines nothing; a call with a receiver only when it
        neither defines methods nor hands the class over (`Registry.register(self)`)."""
        if call.type == "call" and call.child_by_field_name("receiver") is not None:
            return not may_define_methods(text(call)) and _HANDS_OVER_SELF.search(text(call)) is None
        name = text(call.child_by_field_name("method") if call.type == "call" else call)
        if name in harmless_class_body_calls():
            return True
        if any(self.index.versions_with_method(ns, name, singleton=True) for ns in self.namespaces_of(t)):
            return True
        mdef = app.find_def(name, True)
        return mdef is not None and not may_define_methods(text(mdef.node))

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


def analysis(ctx: ProjectContext) -> Analysis:
    cached = ctx.cache.get("analysis")
    if cached is None:
        cached = Analysis(ctx)
        ctx.cache["analysis"] = cached
    return cached  # type: ignore[return-value]
