"""Which gem methods an app may run, through the manifest's call graph (extract_calls.py).

Everything here over-approximates: an unknown receiver may be any object whose class has the
method, or any class the gem uses as a value; a class the source does not name (`self.class.m`, a
`constantize`d name) may be any class, so any body named m of either side may run; a dynamic `send`
may call anything. So a gem method outside `Reach` cannot run from the given entry points, whatever
the app's data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from static_checks.manifest.index import ManifestIndex


@dataclass
class Reach:
    keys: set[str] = field(default_factory=set)  # "Owner#m" / "Owner.m" bodies that may run
    unknown_names: set[str] = field(default_factory=set)  # names called on receivers of unknown type
    anything: bool = False  # a `send` with a computed name on an unknown receiver may run

    def may_call_singleton(self, idx: ManifestIndex, const: str, name: str) -> bool:
        """Whether `const.name` may run (its resolved body, or an unknown receiver holding `const`)."""
        if singleton_key(idx, const, name) in self.keys:
            return True
        return const in idx.value_constants() and (self.anything or name in self.unknown_names)


def singleton_key(idx: ManifestIndex, const: str, name: str) -> str | None:
    sig = idx.find_method(const, name, singleton=True)
    if sig is None or sig.origin == "core" or sig.owner is None:
        return None
    graph = idx.call_graph() or {}
    for key in (f"{sig.owner}.{name}", f"{sig.owner}#{name}"):  # `extend`ed modules keep bodies as `#`
        if key in graph:
            return key
    return f"{sig.owner}.{name}"


def instance_key(idx: ManifestIndex, owner: str, name: str) -> str | None:
    sig = idx.find_method(owner, name, singleton=False)
    if sig is None or sig.origin == "core" or sig.owner is None:
        return None
    return f"{sig.owner}#{name}"


def _by_name(idx: ManifestIndex) -> dict[str, list[str]]:
    """Method name -> instance-side bodies of that name, and singleton ones of value constants."""
    values = idx.value_constants()
    out: dict[str, list[str]] = {}
    for key in idx.call_graph() or {}:
        if "#" in key:
            out.setdefault(key.rsplit("#", 1)[1], []).append(key)
            owner, _, name = key.rpartition("#")
            if name == "initialize" and owner in values:
                out.setdefault("new", []).append(key)  # `klass.new` on a class the gem passes around
        else:
            owner, _, name = key.rpartition(".")
            if owner in values:
                out.setdefault(name, []).append(key)
    return out


def reach(idx: ManifestIndex, entries: Iterable[str], unknown_names: Iterable[str] = ()) -> Reach:
    """Bodies reachable from `entries` (keys) and from calls of `unknown_names` on untyped receivers."""
    walk = _Walk(idx)
    for name in unknown_names:
        walk.unknown(name)
    walk.todo.extend(entries)
    walk.run()
    return walk.r


class _Walk:
    def __init__(self, idx: ManifestIndex) -> None:
        self.idx = idx
        self.graph = idx.call_graph() or {}
        self.by_name = _by_name(idx)
        self.by_owner: dict[str, list[str]] | None = None  # "Owner#" / "Owner." -> its bodies, built when asked
        self.by_any_name: dict[str, list[str]] | None = None  # method name -> every body of that name
        self.r = Reach()
        self.todo: list[str | None] = []

    def unknown(self, name: str) -> None:
        r = self.r
        if name == "*":  # a computed name on an unknown receiver: any body an unknown receiver may reach
            if not r.anything:
                r.anything = True
                for keys in self.by_name.values():
                    self.todo.extend(keys)
        elif name not in r.unknown_names:
            r.unknown_names.add(name)
            self.todo.extend(self.by_name.get(name, ()))

    def any_class(self, name: str) -> None:
        """`self.class.m` / `x.constantize.m`: a class we cannot name, so every body named m (each side), and
        with a computed name anything."""
        if name == "*":
            self.unknown("*")
            self.todo.extend(self.graph)
            return
        if self.by_any_name is None:
            self.by_any_name = {}
            for key in self.graph:
                self.by_any_name.setdefault(key.rsplit("#", 1)[1] if "#" in key else key.rpartition(".")[2],
                                            []).append(key)
        self.unknown(name)
        self.todo.extend(self.by_any_name.get(name, ()))
        if name == "new":  # any class's constructor
            self.todo.extend(k for k in self.by_any_name.get("initialize", ()) if "#" in k)

    def own_class(self, owner: str) -> None:
        """`self.class.send(name)` in an instance method of `owner`: any class-side body of `owner` or a gem
        subclass of it (their own and their extended modules'), and their constructors."""
        idx = self.idx
        owners = {k.rsplit("#", 1)[0] if "#" in k else k.rpartition(".")[0] for k in self.graph}
        for cls in owners:
            if cls == owner or idx.is_subclass(cls, owner):
                for where in idx.ancestors(cls, singleton=True):
                    self.todo.extend(self.own_side(where if where.endswith(".") else where + "#"))
                self.todo.append(instance_key(idx, cls, "initialize"))

    def own_side(self, prefix: str) -> list[str]:
        if self.by_owner is None:
            self.by_owner = {}
            for k in self.graph:
                sep = "#" if "#" in k else "."
                self.by_owner.setdefault(k.rsplit(sep, 1)[0] + sep, []).append(k)
        return self.by_owner.get(prefix, [])

    def run(self) -> None:
        while self.todo:
            key = self.todo.pop()
            if key is None or key in self.r.keys:
                continue
            self.r.keys.add(key)
            singleton = "#" not in key
            owner = key.rpartition(".")[0] if singleton else key.rsplit("#", 1)[0]
            for edge in self.graph.get(key, ()):
                self.edge(edge, owner, singleton)

    def edge(self, edge: str, owner: str, singleton: bool) -> None:
        idx = self.idx
        recv, _, name = edge.rpartition(".")
        if recv == "?":
            self.unknown(name)
        elif recv == "class" and name == "*" and not singleton:
            self.own_class(owner)
        elif recv in ("*", "class"):
            self.any_class(name)
        elif recv == "self" and name == "*":  # `send(computed)` on self: any method of that side
            self.todo.extend(self.own_side(f"{owner}{'.' if singleton else '#'}"))
            self.unknown("*")  # or one the owner inherits or a module's includer defines
        elif recv == "self":
            found = singleton_key(idx, owner, name) if singleton else instance_key(idx, owner, name)
            if found is None:
                self.unknown(name)  # a module's method run on whatever includes it
            else:
                self.todo.append(found)
        elif name == "new":
            self.todo.append(instance_key(idx, recv, "initialize"))
        else:
            self.todo.append(singleton_key(idx, recv, name))
