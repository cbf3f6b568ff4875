"""The static analyser's shape: no import cycles, one typed-call model, no hand-kept rule lists."""

from __future__ import annotations

import ast
from pathlib import Path

import static_checks

PKG = Path(static_checks.__file__).parent


def _import_graph() -> dict[str, set[str]]:
    mods: dict[str, Path] = {}
    for p in PKG.rglob("*.py"):
        parts = p.relative_to(PKG.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        mods[name] = p
    graph: dict[str, set[str]] = {}
    for name, p in mods.items():
        deps: set[str] = set()
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):  # lazy imports count too
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                deps |= {m for m in [node.module, *(f"{node.module}.{a.name}" for a in node.names)] if m in mods}
            elif isinstance(node, ast.Import):
                deps |= {a.name for a in node.names if a.name in mods}
        graph[name] = deps - {name}
    return graph


def _reaches(graph: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        cur = todo.pop()
        if cur == goal:
            return True
        if cur not in seen:
            seen.add(cur)
            todo.extend(graph.get(cur, ()))
    return False


def test_no_import_cycle_in_the_static_analyser():
    graph = _import_graph()
    cycles = sorted((a, b) for a in graph for b in graph[a] if _reaches(graph, b, a))
    assert cycles == []


def test_one_typed_call_class():
    defs = [p for p in PKG.rglob("*.py") if "class TypedCall" in p.read_text(encoding="utf-8")]
    assert [p.relative_to(PKG).as_posix() for p in defs] == ["typed_calls.py"]


def test_no_hand_kept_rule_or_family_lists():
    rules_init = (PKG / "rules" / "__init__.py").read_text(encoding="utf-8")
    registry = (PKG / "facts" / "registry.py").read_text(encoding="utf-8")
    assert "REGISTRY" not in rules_init and "ABSENCE_RULES" not in rules_init
    assert "FAMILY_MODULES" not in registry
