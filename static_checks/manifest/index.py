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
from typing import Any, NamedTuple

from grader.core.semver import satisfies, version_key
from static_checks.manifest import core
from static_checks.manifest.history import (
    call_history_path, decode_sig, history_path, namespace_at, pick, read_history,
)
from static_checks.manifest.lookup import resolve_constant as _lexical_resolve
from static_checks.manifest.model import MethodSig, Namespace, Param

SCHEMA_GEM = "ruby_llm-schema"
ANY_ARGS = [Param(kind="rest"), Param(kind="keyrest"), Param(kind="block")]
# Core ancestors whose `initialize` takes no arguments.
PLAIN_OBJECT = ("Object", "Kernel", "BasicObject", "Comparable", "Enumerable")


@lru_cache(maxsize=None)
def _history(gem: str) -> dict[str, Any]:
    return read_history(history_path(gem))


@lru_cache(maxsize=None)
def _call_history(gem: str) -> dict[str, Any] | None:
    """The gem's call graph history, or None when none was generated (then nothing is known to be unreachable)."""
    try:
        return read_history(call_history_path(gem))
    except FileNotFoundError:
        return None


@lru_cache(maxsize=None)
def _method_name_masks(gem: str) -> dict[str, int]:
    """Method name -> releases in which some namespace of the gem defines a method of that name
    (either side). A release missing from the mask cannot answer find_method(_, name) with a gem method."""
    masks: dict[str, int] = {}
    for entry in _history(gem)["namespaces"].values():
        for side in ("i", "s"):
            for name, variants in entry[side].items():
                for mask, _payload in variants:
                    masks[name] = masks.get(name, 0) | mask
    return masks


@lru_cache(maxsize=None)
def _core_method_names() -> frozenset[str]:
    """Every name a core lookup can answer, whatever the release: those are never pre-filtered."""
    mixins = frozenset().union(*(core.mixin_methods(m) for m in core.MODULES))
    return core.object_methods() | core.class_methods() | core.module_methods() | mixins | {"new"}


def _constant_mask(gem: str, fq_name: str) -> int:
    """Releases of `gem` that define `fq_name` as a namespace or as a constant of its owner."""
    namespaces = _history(gem)["namespaces"]
    mask = namespaces[fq_name]["in"] if fq_name in namespaces else 0
    owner, _, short = fq_name.rpartition("::")
    if owner in namespaces:
        mask |= namespaces[owner]["c"].get(short, 0) & namespaces[owner]["in"]
    return mask


def available_versions(gem: str = "ruby_llm") -> list[str]:
    """Releases we have manifests for, oldest first."""
    return list(_sorted_versions(gem))


@lru_cache(maxsize=None)
def _sorted_versions(gem: str) -> tuple[str, ...]:
    # asked for by every version resolution and every "which releases have X": sorted once
    return tuple(sorted((v["version"] for v in _history(gem)["versions"]), key=version_key))


def release_commits(gem: str = "ruby_llm") -> dict[str, str]:
    """Source commit -> release, for a git-locked gem whose revision is exactly a release."""
    return {v["commit"]: v["version"] for v in _history(gem)["versions"] if v.get("commit")}


@lru_cache(maxsize=1)
def _overlay() -> dict[tuple[str, str, bool], list[dict[str, Any]]]:
    from static_checks.shipped_yaml import load_shipped_yaml

    text = resources.files("static_checks.manifest").joinpath("overlay.yaml").read_text()
    out: dict[tuple[str, str, bool], list[dict[str, Any]]] = {}
    for e in load_shipped_yaml(text) or []:
        out.setdefault((e["owner"], e["method"], bool(e.get("singleton", False))), []).append(e)
    return out


class _Shape(NamedTuple):
    kind: str
    superclass: str | None
    includes: list[str]
    extends: list[str]


_DECODED: dict[tuple[str, int], tuple[dict[str, Any], MethodSig]] = {}


def _decoded(name: str, payload: dict[str, Any]) -> MethodSig:
    """One signature, decoded once however many releases share its stored variant. Callers
    copy it before changing it (ManifestIndex._own)."""
    key = (name, id(payload))
    hit = _DECODED.get(key)
    if hit is None or hit[0] is not payload:
        hit = _DECODED[key] = (payload, decode_sig(name, payload))
    return hit[1]


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
        self._shapes: dict[str, _Shape | None] = {}
        self._methods: dict[tuple[str, str, bool], MethodSig | None] = {}
        self._anc: dict[tuple[str, bool], list[str]] = {}
        self._calls: tuple[dict[str, list[str]], frozenset[str], bool] | None = None

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
                    found = namespace_at(name, e, view.bit, decode=_decoded)
                    break
            self._ns[name] = found
        return self._ns[name]

    # Lookups read the stored history directly: rebuilding a whole namespace (every signature) to
    # answer one method or one superclass was most of the cost of a lookup in a release not yet seen.
    def _entry_of(self, name: str) -> tuple[_View, dict[str, Any]] | None:
        """The first gem of this index whose release defines `name`, and its history entry."""
        for view in self._views:
            e = view.entry(name)
            if e is not None:
                return view, e
        return None

    def _shape(self, name: str) -> _Shape | None:
        """Kind, superclass, includes and extends of a namespace (what namespace() has, without methods)."""
        if name not in self._shapes:
            found = self._entry_of(name)
            if found is None:
                self._shapes[name] = None
            else:
                view, e = found
                d = pick(e["v"], view.bit) or {}
                self._shapes[name] = _Shape(d.get("kind", "module"), d.get("superclass"),
                                            d.get("includes", []), d.get("extends", []))
        return self._shapes[name]

    def _stored_sig(self, where: str, name: str, singleton: bool) -> MethodSig | None:
        found = self._entry_of(where)
        if found is None:
            return None
        view, e = found
        d = pick(e["s" if singleton else "i"].get(name, ()), view.bit)
        return None if d is None else _decoded(name, d)

    def namespace_names(self) -> list[str]:
        out = set()
        for view in self._views:
            out.update(n for n, e in view.data["namespaces"].items() if e["in"] & view.bit)
        return sorted(out)

    def call_graph(self) -> dict[str, list[str]] | None:
        """Gem method -> what its body may call ("Owner#m"/"Owner.m" -> edges; extract_calls.py).
        None when a gem of this index has no stored call graph for its release."""
        if self._calls is None:
            calls: dict[str, list[str]] = {}
            values: set[str] = set()
            for view in reversed(self._views):  # the first gem wins, as namespace() does
                data = _call_history(view.gem)
                versions = [v["version"] for v in data["versions"]] if data is not None else []
                if view.version not in versions:
                    self._calls = ({}, frozenset(), False)
                    return None
                bit = 1 << versions.index(view.version)
                for key, variants in data["calls"].items():
                    edges = pick(variants, bit)
                    if edges is not None:
                        calls[key] = edges.split(",") if edges else []
                values.update(c for c, mask in data["values"].items() if mask & bit)
            self._calls = (calls, frozenset(values), True)
        return self._calls[0] if self._calls[2] else None

    def value_constants(self) -> frozenset[str]:
        """Constants the gem's code passes, stores or returns as values (an unknown receiver may be one)."""
        self.call_graph()
        return self._calls[1]  # type: ignore[index]

    def has_constant(self, fq_name: str) -> bool:
        # Read from the history entries: decoding whole namespaces (every method) only to ask
        # whether a name exists was most of the cost of checking a constant across releases.
        fq_name = fq_name.lstrip(":")
        if any(view.entry(fq_name) is not None for view in self._views):
            return True
        owner, _, short = fq_name.rpartition("::")
        for view in self._views if owner else ():
            e = view.entry(owner)
            if e is not None:  # the first gem defining the owner answers, as namespace() would
                return bool(e["c"].get(short, 0) & view.bit)
        return False

    def resolve_constant(self, name: str, nesting: list[str]) -> str | None:
        """Ruby's lexical lookup: "Chat" inside ["RubyLLM"] -> "RubyLLM::Chat"."""
        return _lexical_resolve(name, nesting, self.has_constant, self._superclasses)

    def _superclasses(self, name: str) -> list[str]:
        out, cur, seen = [], self._shape(name), set()
        while cur is not None and cur.superclass and cur.superclass not in seen:
            seen.add(cur.superclass)
            out.append(cur.superclass)
            cur = self._shape(cur.superclass)
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
        ns = self._shape(name)
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
            ns = self._shape(cls)
            if ns is None:
                continue
            for mod in reversed(ns.extends):
                out.extend(m for m in self._instance_mro(mod, set()) if m not in out)
            for mod in self._instance_mro(cls, set())[1:]:
                cm = f"{mod}::ClassMethods"
                if self._shape(cm) is not None and cm not in out:
                    out.append(cm)
        return out

    def external_ancestors(self, name: str, singleton: bool = False) -> list[str]:
        """Ancestors that are neither in the gem nor Ruby core (Faraday::Middleware, Rails::Railtie...).

        Their methods are unknown to us, so a name missing on `name` is unverifiable, not invented.
        """
        out = []
        for where in self.ancestors(name, singleton):
            where = where.rstrip(".")
            if self._shape(where) is None and not core.is_core(where) and where not in out:
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
        singleton = where.endswith(".")
        where = where.rstrip(".")
        sig = self._stored_sig(where, name, singleton)
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
                # `(...)` / `&blk` hands the block on: the target decides whether it ever runs
                sig.never_yields = target.never_yields
        return sig

    def _constructor(self, owner: str) -> MethodSig | None:
        ns = self._shape(owner)
        if ns is None or ns.kind != "class":
            return None
        init = self.find_method(owner, "initialize")
        never_yields = False  # Class#new gives its block to initialize
        if init is not None and init.origin != "core":
            params = list(init.params)
            never_yields = init.never_yields
        elif self.external_ancestors(owner) or any(
            core.is_core(a) and a not in PLAIN_OBJECT for a in self.ancestors(owner)
        ):
            params = list(ANY_ARGS)  # Exception#initialize(msg = nil), Struct, a Faraday class...: not ours to check
        else:
            params = []  # Object#initialize takes nothing
            never_yields = True
        return MethodSig(name="new", params=params, origin="core", returns=owner, owner=owner,
                         never_yields=never_yields,
                         forwards_to=f"{init.owner}#initialize" if init is not None and init.owner else None,
                         location=init.location if init is not None else None)

    def _core(self, owner: str, name: str, singleton: bool) -> MethodSig | None:
        if singleton:
            ns = self._shape(owner)
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
            found = self._entry_of(where.rstrip("."))
            if found is None:
                continue
            view, e = found
            for n, variants in e["s" if where.endswith(".") else "i"].items():
                d = pick(variants, view.bit)
                if d is not None and d.get("vis", "public") == "public":
                    names.add(n)
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
        if self._shape(legacy) is not None and not new_api:
            return legacy
        return new if self._shape(new) is not None else None

    # ---- across releases -------------------------------------------------------
    # Other ruby_llm releases are seen with the app's ruby_llm-schema pin when it has one: the
    # lock keeps that gem where it is, so a schema symbol is in all of them or in none.
    # Only the releases that could answer yes are loaded: a method name no namespace of a release
    # defines (and no core lookup answers) is absent from it, so that release is never rebuilt.
    # The answers do not depend on this index's own release: every root asking the same question
    # (whatever its version) shares one answer.
    def versions_with_method(self, owner: str, name: str, singleton: bool = False) -> list[str]:
        return list(_versions_with_method(self.gem, self.schema_pin, owner, name, singleton))

    def versions_with_constant(self, name: str) -> list[str]:
        return list(_versions_with_constant(self.gem, self.schema_pin, name))

    def schema_versions_with_method(self, owner: str, name: str, singleton: bool = False) -> list[str]:
        """ruby_llm-schema releases (not ruby_llm ones) whose own API has `owner#name`."""
        return [v for v in _candidates(SCHEMA_GEM, _method_mask(SCHEMA_GEM, name))
                if _load(v, SCHEMA_GEM, None).find_method(owner, name, singleton) is not None]

    def schema_versions_with_constant(self, name: str) -> list[str]:
        return [v for v in _candidates(SCHEMA_GEM, _constant_mask(SCHEMA_GEM, name.lstrip(":")))
                if _load(v, SCHEMA_GEM, None).has_constant(name)]

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


ALL_RELEASES = -1  # a mask with every bit set


def _method_mask(gem: str, name: str) -> int:
    """Releases of `gem` (as seen by its index, with ruby_llm-schema merged in) that may define `name`."""
    if name in _core_method_names():
        return ALL_RELEASES
    if gem == "ruby_llm" and name in _method_name_masks(SCHEMA_GEM):
        return ALL_RELEASES  # the schema release merged in varies with the pin: not worth narrowing
    return _method_name_masks(gem).get(name, 0)


def _constant_mask_with_schema(gem: str, fq_name: str) -> int:
    if gem == "ruby_llm" and _constant_mask(SCHEMA_GEM, fq_name):
        return ALL_RELEASES
    return _constant_mask(gem, fq_name)


def _candidates(gem: str, mask: int) -> list[str]:
    """The releases of `gem` whose bit is set in `mask`, oldest first."""
    positions = {v["version"]: i for i, v in enumerate(_history(gem)["versions"])}
    return [v for v in available_versions(gem) if mask >> positions[v] & 1]


@lru_cache(maxsize=4096)
def _versions_with_method(gem: str, schema_pin: str | None, owner: str, name: str, singleton: bool) -> tuple[str, ...]:
    return tuple(v for v in _candidates(gem, _method_mask(gem, name))
                 if _load(v, gem, schema_pin).find_method(owner, name, singleton) is not None)


@lru_cache(maxsize=4096)
def _versions_with_constant(gem: str, schema_pin: str | None, name: str) -> tuple[str, ...]:
    return tuple(v for v in _candidates(gem, _constant_mask_with_schema(gem, name.lstrip(":")))
                 if _load(v, gem, schema_pin).has_constant(name))


# Room for every release twice (with and without an app's schema pin) plus the schema gem's own.
@lru_cache(maxsize=128)
def _load(version: str, gem: str, schema_version: str | None = None) -> ManifestIndex:
    return ManifestIndex(gem, version, schema_version)
