"""RuboCop runs with a configuration of ours: the repo's own settings (cops, excludes, inherited
local files flattened in) with every `require:`/`plugins:` removed. A repo's `.rubocop.yml` could
otherwise load its own Ruby into the gate and print a clean report (issue 11, item 8). What was
dropped is reported as a fact.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from grader.runtime.repo_files import read_repo_text

CODE_KEYS = ("require", "plugins")
MAX_DEPTH = 5


@dataclass
class GateConfig:
    text: str  # YAML handed to `rubocop --config`
    dropped: list[str] = field(default_factory=list)  # what we removed, "<file>: <key>: <values>"


class _NoAliases(yaml.SafeLoader):
    """Aliases refused: a few hundred bytes of nested aliases expand to gigabytes."""

    def compose_node(self, parent, index):  # type: ignore[override]
        if self.check_event(yaml.AliasEvent):
            raise yaml.YAMLError("YAML aliases are not accepted in .rubocop.yml")
        return super().compose_node(parent, index)


def _load(repo: Path, rel: str) -> dict:
    text = read_repo_text(repo, rel, limit=200_000)
    if not text:
        return {}
    try:
        data = yaml.load(text, Loader=_NoAliases)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def _merge(base: dict, over: dict) -> dict:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = {**merged[key], **value}
        else:
            merged[key] = value
    return merged


def _flatten(repo: Path, rel: str, dropped: list[str], depth: int = 0) -> dict:
    data = _load(repo, rel)
    for key in CODE_KEYS:
        if key in data:
            value = data.pop(key)
            names = value if isinstance(value, list) else [value]
            dropped.append(f"{rel}: {key}: {', '.join(str(n) for n in names)[:200]}")
    inherited: dict = {}
    parents = data.pop("inherit_from", None)
    for parent in parents if isinstance(parents, list) else [parents] if parents else []:
        parent = str(parent)
        if "://" in parent:
            dropped.append(f"{rel}: inherit_from: {parent[:200]} (remote)")
        elif depth < MAX_DEPTH:
            inherited = _merge(inherited, _flatten(repo, str(Path(rel).parent / parent), dropped, depth + 1))
    return _merge(inherited, data)


APP_ROOT = "/app"


def _anchor(data: dict) -> dict:
    """RuboCop reads Include/Exclude patterns relative to the config file's folder; ours lives in
    /opt/grader, so relative patterns are anchored at the app root."""
    for section in data.values():
        if not isinstance(section, dict):
            continue
        for key in ("Include", "Exclude"):
            patterns = section.get(key)
            if isinstance(patterns, list):
                section[key] = [f"{APP_ROOT}/{p}" if isinstance(p, str) and not p.startswith("/") else p
                                for p in patterns]
    return data


def gate_config(repo: Path) -> GateConfig:
    dropped: list[str] = []
    data = _flatten(repo, ".rubocop.yml", dropped) if (repo / ".rubocop.yml").exists() else {}
    data.pop("inherit_gem", None)  # gems' configs may `require:` too; their cops stay off
    all_cops = data.get("AllCops") if isinstance(data.get("AllCops"), dict) else {}
    # Patterns stay relative to the app root, where RuboCop runs.
    data["AllCops"] = {**all_cops, "NewCops": all_cops.get("NewCops", "pending")}
    return GateConfig(yaml.safe_dump(_anchor(data), sort_keys=False), dropped)
