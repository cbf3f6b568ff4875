"""Helpers for the fact tests: fixture apps, small repos, facts collected with real parsing."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from static_checks.engine import check_path

APPS = Path(__file__).resolve().parents[1] / "fixtures" / "apps"


def _load_fixture_apps():
    spec = importlib.util.spec_from_file_location("fixture_apps", APPS / "fixture_apps.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("fixture_apps", mod)
    spec.loader.exec_module(mod)
    return mod


fixture_apps = _load_fixture_apps()


def facts_of(repo: Path) -> dict:
    """Fact id -> Fact for a folder, through the real engine (parse, versions, rules, facts)."""
    report = check_path(repo, with_facts=True)
    return {f.id: f for f in report.facts}


def write_app(root: Path, files: dict[str, str]) -> Path:
    """A tiny repo from {relative path: text}, for focused positive/negative cases."""
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root


SKELETON = {
    "Gemfile": 'source "https://rubygems.org"\ngem "rails", "~> 8.1"\ngem "ruby_llm"\n',
    "config/application.rb": 'require_relative "boot"\nrequire "rails"\nrequire "action_controller/railtie"\n',
}
