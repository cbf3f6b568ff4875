"""Fixture repos materialized once per session and their facts, collected with real parsing."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from static_checks.engine import parse_tree
from static_checks.facts import collect_facts
from static_checks.models import AppRoot, VersionSource

APPS = Path(__file__).resolve().parents[1] / "fixtures" / "apps"


def _load_fixture_apps():
    spec = importlib.util.spec_from_file_location("fixture_apps", APPS / "fixture_apps.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("fixture_apps", mod)
    spec.loader.exec_module(mod)
    return mod


fixture_apps = _load_fixture_apps()


def facts_of(repo: Path) -> dict:
    """Fact id -> Fact for a folder: engine parse, app roots from the Gemfiles, no rules run."""
    sources, parsed, findings, _skipped = parse_tree(repo)
    roots = [
        AppRoot(path=r, ruby_llm_version="1.9.1", version_source=VersionSource.override)
        for r in (sources.app_roots or ["."])
    ]
    return {f.id: f for f in collect_facts(repo, parsed, findings, roots)}


@pytest.fixture(scope="session")
def fixture_repo(tmp_path_factory):
    """Materialize a fixture app by name (cached per session)."""
    root = tmp_path_factory.mktemp("apps")
    made: dict[str, Path] = {}

    def make(name: str) -> Path:
        if name not in made:
            made[name] = fixture_apps.materialize(name, root)
        return made[name]

    return make


@pytest.fixture(scope="session")
def fixture_facts(fixture_repo):
    cache: dict[str, dict] = {}

    def get(name: str) -> dict:
        if name not in cache:
            cache[name] = facts_of(fixture_repo(name))
        return cache[name]

    return get


def write_app(root: Path, files: dict[str, str]) -> Path:
    """A tiny repo from {relative path: text}, for focused positive/negative cases."""
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root
