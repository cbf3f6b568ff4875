"""The fact collectors, and the one function that runs them all.

A collector is a function FactContext -> list[Fact] registered with the ids it emits, so a
collector that crashes still yields its ids, marked unknown (value None, note with the error):
partial results are kept and marked, never silently false or zero.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from grader.core.budget import OverBudget, checkpoint
from static_checks.facts.context import FactContext, choose_app_root, fact
from static_checks.models import AppRoot, Fact, Finding
from static_checks.parsing import ParsedFile

CATALOG_PATH = Path(__file__).with_name("catalog.yaml")
# Modules of this package that hold no collectors (discovery imports them too; that is harmless).
_HELPERS = frozenset({"context", "registry"})


@dataclass(frozen=True)
class Collector:
    family: str  # the module's name: one module per fact family
    ids: tuple[str, ...]
    fn: Callable[[FactContext], list[Fact]]


_COLLECTORS: list[Collector] = []


def collector(ids: list[str]):
    """Register a collector emitting `ids`; its family is the module it is defined in."""

    def register(fn: Callable[[FactContext], list[Fact]]):
        _COLLECTORS.append(Collector(family=fn.__module__.rsplit(".", 1)[-1], ids=tuple(ids), fn=fn))
        return fn

    return register


@lru_cache(maxsize=1)
def collectors() -> tuple[Collector, ...]:
    """Every collector of the package: adding a fact family is adding one module that uses @collector."""
    package = __name__.rsplit(".", 1)[0]
    for info in pkgutil.iter_modules([str(Path(__file__).parent)]):
        if info.name not in _HELPERS:
            importlib.import_module(f"{package}.{info.name}")
    return tuple(sorted(_COLLECTORS, key=lambda c: (c.family, c.fn.__code__.co_firstlineno)))


@lru_cache(maxsize=1)
def catalog() -> dict[str, dict]:
    """Fact id -> catalog entry (type, values, meaning), in catalog order."""
    data = yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))
    return {entry["id"]: entry for entry in data["facts"]}


def collect_facts(
    base: Path,
    parsed: list[ParsedFile],
    findings: list[Finding],
    roots: list[AppRoot],
    shared: dict[str, dict] | None = None,
    incomplete: list[str] | None = None,
) -> list[Fact]:
    """Every catalogued fact about the repo at `base`, in catalog order.

    shared: per-root caches the rules filled (root path -> ProjectContext.cache), so the receiver
    types they built are reused rather than rebuilt.
    """
    base = Path(base).resolve()
    app_root = choose_app_root(base, [r.path for r in roots])
    ctx = FactContext(base=base, parsed=parsed, findings=findings, roots=roots, app_root=app_root)
    if shared and app_root in shared:
        ctx.cache["rules_cache"] = shared[app_root]
    out: dict[str, Fact] = {}
    spent: str | None = None  # the repo budget's reason once it ran out: the rest is not collected
    for col in collectors():
        try:
            if spent is not None:
                raise OverBudget(spent)
            checkpoint()
            produced = col.fn(ctx)
        except OverBudget as exc:  # unknown, never false: their points stay pending
            spent = str(exc)
            produced = [fact(i, None, f"facts/{col.family}", note=f"not collected: {exc}") for i in col.ids]
        except Exception as exc:  # one broken collector must not lose the others' facts
            produced = [
                fact(i, None, f"facts/{col.family}", note=f"collector failed: {type(exc).__name__}: {exc}")
                for i in col.ids
            ]
        for f in produced:
            if f.id not in col.ids:
                raise RuntimeError(f"collector {col.fn.__name__} emitted undeclared fact id {f.id!r}")
            out[f.id] = f
        for i in col.ids:
            if i not in out:
                out[i] = fact(i, None, f"facts/{col.family}", note="collector produced no value")
    if spent is not None and incomplete is not None:
        incomplete.append(f"facts cut short ({spent}): the facts not collected are unknown")
    order = {fid: n for n, fid in enumerate(catalog())}
    return sorted(out.values(), key=lambda f: order.get(f.id, len(order)))

