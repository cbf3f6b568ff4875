"""Whether a stubbed RubyLLM class-side method (`RubyLLM.embed`, `RubyLLM::Embedding.embed`) can run at all.

The app's side is over-approximated: every call in every file (app and tests) counts as live. A call
on a known RubyLLM object enters the gem at the method the manifest resolves; a call on anything
else may be any gem method of that name. From there the gem's own call graph (generated from its
source for the locked release, manifest/reach.py) says which bodies may run. A stub none of them
reaches cannot fire. Anything the graph cannot see keeps the stub alive: a call of the stubbed name
on an untyped receiver, a `send` on the stubbed constant, an extension gem that calls RubyLLM itself.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from static_checks.manifest.reach import Reach, instance_key, reach, singleton_key
from static_checks.rules.doubles import RSPEC_TARGETS, Stub, _rspec_matcher
from static_checks.rules.model.analysis import Analysis
from static_checks.types.syntax import SEND_BY_NAME, call_name, first_arg

# In files the type scan skipped (nothing RubyLLM in sight), every `.name`, `&:name` or `:name` may be a
# call on a RubyLLM object passed in from elsewhere.
_NAME_USE = re.compile(rb"(?:\.|&:|:)[ \t]*([A-Za-z_]\w*[?!=]?)")
# Calls on a class that reach (run, take as a Method, or ask about) a method named at run time: wider than the
# gem's call-graph edges (manifest/extract_calls.py CALLS_BY_NAME), since here a class the app so uses may have
# any of its methods run, and its stubs cannot be proven never to fire.
REACHES_BY_NAME = SEND_BY_NAME | {"try", "method", "respond_to?", "instance_method"}
NEVER_CALLED = frozenset({"not_to", "to_not"})  # `expect(X).not_to receive(:m)` wants it never to fire


@dataclass
class AppEntries:
    reach: Reach
    entries: dict[str, list[str]] = field(default_factory=dict)  # gem body key -> "file:line" of app (not test) calls
    untyped_names: set[str] = field(default_factory=set)  # names called on receivers of unknown type
    dynamic: set[str] = field(default_factory=set)  # constants the app `send`s to or takes methods of


def app_entries(an: Analysis) -> AppEntries | None:
    """The gem bodies app and test code may run (None: no call graph for this release)."""
    cached = an.ctx.cache.get("stub_reach")
    if cached is not None:
        return cached if isinstance(cached, AppEntries) else None
    idx = an.index
    if idx.call_graph() is None:
        an.ctx.cache["stub_reach"] = False
        return None
    entries: dict[str, list[str]] = {}
    untyped: set[str] = set()
    dynamic: set[str] = set()
    for fs in an.project.scans:
        for call, scope in fs.calls:
            name = fs.name_of(call)
            if not name:
                continue
            explicit = fs.receiver_of(call) is not None
            t = an.infer.receiver_type(call, scope)
            if t is None or not t.checkable:
                if explicit:
                    untyped.add(name)
                continue
            if t.singleton and name in REACHES_BY_NAME:
                dynamic.add(t.name)
            keys = _keys(an, t, name)
            if not keys and explicit:
                untyped.add(name)  # a method the manifest does not know: whatever it is may call anything
            for key in keys:
                where = entries.setdefault(key, [])
                if not fs.is_test:
                    where.append(f"{fs.pf.rel}:{call.start_point[0] + 1}")
    for pf in an.project.unscanned:
        untyped.update(m.decode() for m in _NAME_USE.findall(pf.source))
    out = AppEntries(reach(idx, entries, untyped), entries, untyped, dynamic)
    an.ctx.cache["stub_reach"] = out
    return out


def _keys(an: Analysis, t, name: str) -> list[str]:
    idx = an.index
    out = []
    for ns in an.namespaces_of(t):
        if t.singleton:
            key = instance_key(idx, ns, "initialize") if name == "new" else singleton_key(idx, ns, name)
        else:
            key = instance_key(idx, ns, name)
        if key is not None:
            out.append(key)
    return out


def judged_stub(stub: Stub) -> bool:
    """A stub that replaces a real class-side method for the code under test (not a spy check,
    not a negative expectation, not a verified double or a stand-in's answer)."""
    t = stub.target
    if t is None or not t.singleton or t.app_class or stub.target_node is None or stub.method == "new":
        return False
    kind = call_name(stub.node)
    if kind in NEVER_CALLED:
        return False
    if kind == "to":
        recv = stub.node.child_by_field_name("receiver")
        matcher = _rspec_matcher(first_arg(stub.node))
        if recv is None or call_name(recv) not in RSPEC_TARGETS or matcher is None \
                or call_name(matcher) not in ("receive", "receive_messages"):
            return False
    return kind in ("stub", "stubs", "expects", "to")


def never_reached(an: Analysis, stub: Stub) -> AppEntries | None:
    """The app's entries when nothing the app runs can reach the stubbed `Const.method`, else None."""
    t = stub.target
    if not judged_stub(stub) or an.extensions:
        return None
    sig = an.index.find_method(t.name, stub.method, singleton=True)
    if sig is None or sig.origin == "core":
        return None  # unknown: stub-unknown-method's business; core: not the gem's
    app = app_entries(an)
    if app is None or stub.method in app.untyped_names or t.name in app.dynamic:
        return None
    if app.reach.may_call_singleton(an.index, t.name, stub.method):
        return None
    # Only when app code does that job through another route (`RubyLLM.context.embed`): with no app call of
    # that name at all, the code under test may sit where we cannot read it.
    if not any(where and key.endswith(("#" + stub.method, "." + stub.method)) for key, where in app.entries.items()):
        return None
    return app
