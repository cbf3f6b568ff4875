"""Fixtures for the fact tests (helpers live in facts_helpers.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from facts_helpers import SKELETON, facts_of, fixture_apps, write_app


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


@pytest.fixture
def facts_for(tmp_path):
    """Facts of a small repo: a Rails skeleton plus the given {path: text} files."""

    def run(files: dict[str, str], skeleton: bool = True) -> dict:
        return {k: f.value for k, f in full(files, skeleton).items()}

    full = _fresh_repo_facts(tmp_path)

    return run


@pytest.fixture
def full_facts_for(tmp_path):
    """Like facts_for but returns the Fact objects (value, evidence, note)."""

    return _fresh_repo_facts(tmp_path)


def _fresh_repo_facts(tmp_path):
    made = []

    def run(files: dict[str, str], skeleton: bool = True) -> dict:
        made.append(1)  # a new folder per call: cases in one test never see each other's files
        repo = write_app(tmp_path / f"repo{len(made)}", {**(SKELETON if skeleton else {}), **files})
        return facts_of(repo)

    return run
