"""ManifestIndex: the questions rules ask about one release of RubyLLM's API.

Loaded from the per-gem history files (data/manifests/*.json.gz); namespaces are rebuilt
lazily and every lookup is cached, so loading a release costs one JSON parse per gem.
`RubyLLM::Schema`, `RubyLLM::Helpers` (the separate ruby_llm-schema gem, a dependency from ruby_llm
1.9.0) are merged in from the ruby_llm-schema release the app declares (its Gemfile.lock pin, see
versions.resolve_schema_version), else the one ruby_llm's gemspec constraint allows (newest matching).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

from grader.core.semver import satisfies, version_key
from static_checks.manifest import core
from static_checks.manifest.history import history_path, namespace_at, read_history
from static_checks.manifest.lookup import resolve_constant as _lexical_resolve
from static_checks.manifest.model import MethodSig, Namespace, Param

SCHEMA_GEM = "ruby_llm-schema"
ANY_ARGS = [Param(kind="rest"), Param(kind="keyrest"), Param(kind="block")]
# Core ancestors whose `initialize` takes no arguments.
PLAIN_OBJECT = ("Object", "Kernel", "BasicObject", "Comparable", "Enumerable")


@lru_cache(maxsize=None)
def _history(gem: str) -> dict[str, Any]:
    return read_history(history_path(gem))


def available_versions(gem: str = "ruby_llm") -> list[str]:
    """Releases we have manifests for, oldest first."""
    return sorted((v["version"] for v in _history(gem)["versions"]), key=version_key)


def release_commits(gem: str = "ruby_llm") -> dict[str, str]:
    """Source commit -> release, for a git-locked gem whose revision is exactly a release."""
    return {v["commit"]: v["version"] for v in _history(gem)["versions"] if v.get("commit")}


@lru_cache(maxsize=1)
def _overlay() -> dict[tuple[str, str, bool], list[dict[str, Any]]]:
    import yaml

    text = resources.files("static_checks.manifest").joinpath("overlay.yaml").read_text()
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    out: dict[tuple[str, str, bool], list[dict[str, Any]]] = {}
    for e in yaml.load(text, Loader=loader) or []:  # noqa: S506 - a safe loader
        out.setdefault((e["owner"], e["method"], bool(e.get("singleton", False))), []).append(e)
    return out


class _View:
    """One gem's history seen at one release."""

    def __init__(self, gem: str, version: str) -> None:
        self.data = _history(gem)
        versions = [v["version"] for v in self.data["versions"]]
        self.pos = versions.index(version)
        self.bit = 1 << self.pos
        self.version = version
        self.gem = gem

    def entry(self, fq: str) -> dict[str, Any] | None:
        e = self.data["namespaces"].get(fq)
        return e if e is not None and e["in"] & self.bit else None

    def deps(self) -> dict[str, str]:
        return self.data["versions"][self.pos].get("deps", {})


def _schema_version_for(deps: dict[str, str]) -> str | None:
    req = deps.get(SCHEMA_GEM)
    if req is None:
        return None
    matching = [v for v in available_versions(SCHEMA_GEM) if satisfies(v, [req])]
    return matching[-1] if matching else None


class ManifestIndex:
    def __init__(self, gem: str, version: str, schema_version: str | None = None) -> None:
        self.gem, self.version = gem, version
        self._views = [_View(gem, version)]
        # the app's own ruby_llm-schema pin (kept when looking at other ruby_llm releases)
        self.schema_pin = schema_version if gem == "ruby_llm" else None
        self.schema_version: str | None = None
        if gem == "ruby_llm":
            self.schema_version = schema_version or _schema_version_for(self._views[0].deps())
            if self.schema_version:
                self._views.append(_View(SCHEMA_GEM, self.schema_version))
        self._ns: dict[str, Namespace | None] = {}
        self._methods: dict[tuple[str, str, bool], MethodSig | None] = {}
        self._anc: dict[tuple[str, bool], list[str]] = {}

    @classmethod
    def load(cls, version: str, gem: str = "ruby_llm", schema_version: str | None = None) -> ManifestIndex:
        """One release; schema_version: the ruby_llm-schema release the app locks (None: the one ruby_llm implies)."""
        for g, v in ((gem, version), (SCHEMA_GEM, schema_version)):
            if v is not None and v not in available_versions(g):
                known = available_versions(g)
                raise ValueError(f"{g} {v!r} is not a known release; known: {known[0]} .. {known[-1]}")
        return _load(version, gem, schema_version if gem == "ruby_llm" else None)

    # ---- namespaces and constants -------------------------------------------
    def namespace(self, name: str) -> Namespace | None:
        name = name.lstrip(":")
        if name not in self._ns:
            found = None
            for view in self._views:
                e = view.entry(name)
                if e is not None:
                    found = namespace_at(name, e, view.bit)
                    break
            self._ns[name] = found
        return self._ns[name]

    def namespace_names(self) -> list[str]:
        out = set()
        for view in self._views:
            out.update(n for n, e in view.data["namespaces"].items() if e["in"] & view.bit)
        return sorted(out)

    def has_constant(self, fq_name: str) -> bool:
        fq_name = fq_name.lstrip(":")
        if self.namespace(fq_name) is not None:
            return True
        owner, _, short = fq_name.rpartition("::")
        ns = self.namespace(owner) if owner else None
        return ns is not None and short in ns.constants

    def resolve_constant(self, name: str, nesting: list[str]) -> str | None:
        """Ruby's lexical lookup: "Chat" inside ["RubyLLM"] -> "RubyLLM::Chat"."""
        return _lexical_resolve(name, nesting, self.has_constant, self._superclasses)

    def _superclasses(self, name: str) -> list[str]:
        out, cur, seen = [], self.namespace(name), set()
        while cur is not None and cur.superclass and cur.superclass not in seen:
            seen.add(cur.superclass)
            out.append(cur.superclass)
            cur = self.namespace(cur.superclass)
        return out

    # ---- ancestry ------------------------------------------------------------
    def ancestors(self, name: str, singleton: bool = False) -> list[str]:
        """Method resolution order for `obj.x` (instance) or `Klass.x` (singleton), gem + core names.

        Instance side: the class, its included modules (last included first), then the
        superclass and its modules... Singleton side: each class's extended modules and the
        ClassMethods of ActiveSupport concerns it includes, up the superclass chain.
        """
        key = (name, singleton)
        if key not in self._anc:
            self._anc[key] = self._singleton_mro(name) if singleton else self._instance_mro(name, set())
        return self._anc[key]

    def _instance_mro(self, name: str, seen: set[str]) -> list[str]:
        if name in seen:
            return []
        seen.add(name)
        out = [name]
        ns = self.namespace(name)
        if ns is None:
            sup = core.core_superclass(name)  # StandardError -> Exception -> Object
            if sup and sup != "Object":
                out.extend(m for m in self._instance_mro(sup, seen) if m not in out)
            return out
        for mod in reversed(ns.includes):
            out.extend(m for m in self._instance_mro(mod, seen) if m not in out)
        if ns.superclass:
            out.extend(m for m in self._instance_mro(ns.superclass, seen) if m not in out)
        return out

    def _singleton_mro(self, name: str) -> list[str]:
        out: list[str] = []
        for cls in [name] + self._superclasses(name):
            out.append(f"{cls}.")  # the class's own singleton methods
            ns = self.namespace(cls)
            if ns is None:
                continue
            for mod in reversed(ns.extends):
                out.extend(m for m in self._instance_mro(mod, set()) if m not in out)
            for mod in self._instance_mro(cls, set())[1:]:
                cm = f"{mod}::ClassMethods"
                if self.namespace(cm) is not None and cm not in out:
                    out.append(cm)
        return out

    def external_ancestors(self, name: str, singleton: bool = False) -> list[str]:
        """Ancestors that are neither in the gem nor Ruby core (Faraday::Middleware, Rails::Railtie...).

        Their methods are unknown to us, so a name missing on `name` is unverifiable, not invented.
        """
        out = []
        for where in self.ancestors(name, singleton):
            where = where.rstrip(".")
            if self.namespace(where) is None and not core.is_core(where) and where not in out:
                out.append(where)
        return out

    def is_subclass(self, name: str, ancestor: str) -> bool:
        """`name <= ancestor` in Ruby terms (a class is its own subclass; modules count)."""
        return ancestor.lstrip(":") in self.ancestors(name.lstrip(":"))

    # ---- methods -------------------------------------------------------------
    def find_method(self, owner: str, name: str, singleton: bool = False) -> MethodSig | None:
        """The method `owner#name` (or `owner.name`) would run, with its effective signature.

        Forwarders come back with the target's params and `forwards_to` set; `owner` on the
        result says which namespace defines it; core methods have origin "core".
        """
        key = (owner.lstrip(":"), name, singleton)
        if key not in self._methods:
            self._methods[key] = None  # guards forwarding cycles
            self._methods[key] = self._find(key[0], name, singleton, depth=0)
        return self._methods[key]

    def _own(self, where: str, name: str) -> MethodSig | None:
        if where.endswith("."):
            ns = self.namespace(where[:-1])
            sig = ns.singleton_methods.get(name) if ns else None
            singleton = True
            where = where[:-1]
        else:
            ns = self.namespace(where)
            sig = ns.instance_methods.get(name) if ns else None
            singleton = False
        if sig is None:
            if core.is_core(where) and name in core.mixin_methods(where):
                return MethodSig(name=name, params=list(ANY_ARGS), origin="core", owner=where)
            return None
        sig = sig.model_copy(update={"owner": where})
        for e in _overlay().get((where, name, singleton), []):
            if "since" in e and version_key(self.version) < version_key(str(e["since"])):
                continue
            if "until" in e and version_key(self.version) >= version_key(str(e["until"])):
                continue
            sig.returns = e.get("returns", sig.returns)
            sig.block_param = e.get("block_param", sig.block_param)
        return sig

    def _find(self, owner: str, name: str, singleton: bool, depth: int) -> MethodSig | None:
        sig = None
        for where in self.ancestors(owner, singleton):
            sig = self._own(where, name)
            if sig is not None:
                break
        if sig is None and singleton and name == "new":
            sig = self._constructor(owner)
        if sig is None:
            return self._core(owner, name, singleton)
        if sig.forwards_to and depth < 8:
            followed = self._follow(sig.forwards_to)
            if followed is not None:
                target, target_receiver = followed
                sig.params = list(target.params)
                if not sig.returns or sig.returns.startswith("call:"):
                    # the target's `self` is the object forwarded to, not this receiver
                    sig.returns = target_receiver if target.returns == "self" else target.returns
                if target.block_param and not sig.block_param:
                    sig.block_param = target.block_param
        return sig

    def _constructor(self, owner: str) -> MethodSig | None:
        ns = self.namespace(owner)
        if ns is None or ns.kind != "class":
            return None
        init = self.find_method(owner, "initialize")
        if init is not None and init.origin != "core":
            params = list(init.params)
        elif self.external_ancestors(owner) or any(
            core.is_core(a) and a not in PLAIN_OBJECT for a in self.ancestors(owner)
        ):
            params = list(ANY_ARGS)  # Exception#initialize(msg = nil), Struct, a Faraday class...: not ours to check
        else:
            params = []  # Object#initialize takes nothing
        return MethodSig(name="new", params=params, origin="core", returns=owner, owner=owner,
                         forwards_to=f"{init.owner}#initialize" if init is not None and init.owner else None,
                         location=init.location if init is not None else None)

    def _core(self, owner: str, name: str, singleton: bool) -> MethodSig | None:
        if singleton:
            ns = self.namespace(owner)
            pool = core.class_methods() if ns is not None and ns.kind == "class" else core.module_methods()
        else:
            pool = core.object_methods()
        if name not in pool:
            return None
        return MethodSig(name=name, params=list(ANY_ARGS), origin="core", owner="Class" if singleton else "Object")

    def _follow(self, ref: str) -> tuple[MethodSig, str] | None:
        """Resolve "X.m", "X#m" or "X#a.b" (call a, then b on a's return type): (target, its receiver type)."""
        if "#" in ref:
            owner, _, rest = ref.partition("#")
            singleton = False
        else:
            owner, _, rest = ref.rpartition(".") if ref.count(".") == 1 else ref.partition(".")
            singleton = True
        steps = rest.split(".")
        sig = self.find_method(owner, steps[0], singleton)
        for step in steps[1:]:
            if sig is None:
                return None
            rtype = self._returns_of(owner, sig)
            if rtype is None:
                return None
            owner = rtype
            sig = self.find_method(owner, step)
        return (sig, owner) if sig is not None else None

    def _returns_of(self, receiver: str, sig: MethodSig, depth: int = 0) -> str | None:
        r = sig.returns
        if r is None or depth > 8:
            return None
        if r == "self":
            return receiver
        if r.startswith("call:"):
            followed = self._follow(r[5:])
            if followed is None:
                return None
            target, target_receiver = followed
            # `call:X#m` is a call on the receiver itself (self in a subclass stays the subclass)
            return self._returns_of(receiver if "#" in r else target_receiver, target, depth + 1)
        return r

    def return_type(self, owner: str, name: str, singleton: bool = False) -> str | None:
        """What `owner#name` returns: a FQ constant, or `owner` itself for builders returning self."""
        sig = self.find_method(owner, name, singleton)
        return self._returns_of(owner.lstrip(":"), sig) if sig is not None else None

    def block_param_type(self, owner: str, name: str, singleton: bool = False) -> str | None:
        sig = self.find_method(owner, name, singleton)
        return sig.block_param if sig is not None else None

    def method_names(self, owner: str, singleton: bool = False) -> list[str]:
        """Public gem-defined names (inherited included), for "did you mean"; no core noise."""
        names: set[str] = set()
        for where in self.ancestors(owner, singleton):
            ns = self.namespace(where.rstrip("."))
            if ns is None:
                continue
            side = ns.singleton_methods if where.endswith(".") else ns.instance_methods
            names.update(n for n, s in side.items() if s.visibility == "public")
        return sorted(names)

    def has_method_missing(self, owner: str, singleton: bool = False) -> bool:
        """True when `method_missing` is defined in the gem chain: any name may be valid there.

        False for one that answers only names the manifest lists (Schema's DSL words, `Models.x`
        before 1.16): those are ordinary entries, anything else raises NoMethodError.
        """
        sig = self.find_method(owner, "method_missing", singleton)
        return sig is not None and sig.origin != "core" and not sig.answers_only_listed

    def config_options(self) -> set[str]:
        view = self._views[0]
        return {o for o, mask in view.data.get("config", {}).items() if mask & view.bit}

    # ---- Rails macros ----------------------------------------------------------
    def acts_as_methods(self, macro: str, new_api: bool | None = None) -> str | None:
        """The synthetic namespace holding what `acts_as_chat` (etc.) adds to a model.

        From 1.7 two implementations exist, chosen by `config.use_new_acts_as` (default false
        = legacy). new_api=None follows the default; pass the app's setting when known.
        Query it like any namespace: find_method(acts_as_methods("acts_as_chat"), "ask").
        """
        legacy = f"RubyLLM::ActiveRecord::ActsAsLegacy::{macro}"
        new = f"RubyLLM::ActiveRecord::ActsAs::{macro}"
        if self.namespace(legacy) is not None and not new_api:
            return legacy
        return new if self.namespace(new) is not None else None

    # ---- across releases -------------------------------------------------------
    # Other ruby_llm releases are seen with the app's ruby_llm-schema pin when it has one: the
    # lock keeps that gem where it is, so a schema symbol is in all of them or in none.
    def versions_with_method(self, owner: str, name: str, singleton: bool = False) -> list[str]:
        return [v for v in available_versions(self.gem)
                if _load(v, self.gem, self.schema_pin).find_method(owner, name, singleton) is not None]

    def versions_with_constant(self, name: str) -> list[str]:
        return [v for v in available_versions(self.gem) if _load(v, self.gem, self.schema_pin).has_constant(name)]

    def schema_versions_with_method(self, owner: str, name: str, singleton: bool = False) -> list[str]:
        """ruby_llm-schema releases (not ruby_llm ones) whose own API has `owner#name`."""
        return [v for v in available_versions(SCHEMA_GEM)
                if _load(v, SCHEMA_GEM, None).find_method(owner, name, singleton) is not None]

    def schema_versions_with_constant(self, name: str) -> list[str]:
        return [v for v in available_versions(SCHEMA_GEM) if _load(v, SCHEMA_GEM, None).has_constant(name)]

    def gem_of(self, name: str) -> str | None:
        """Which gem of this index defines the namespace or constant `name` ("ruby_llm-schema"...)."""
        name = name.lstrip(":")
        owner = name.rpartition("::")[0]
        for view in self._views:
            if view.entry(name) is not None:
                return view.gem
            e = view.entry(owner) if owner else None
            if e is not None and e["c"].get(name.rpartition("::")[2], 0) & view.bit:
                return view.gem
        return None


# Room for every release twice (with and without an app's schema pin) plus the schema gem's own.
@lru_cache(maxsize=128)
def _load(version: str, gem: str, schema_version: str | None = None) -> ManifestIndex:
    return ManifestIndex(gem, version, schema_version)
