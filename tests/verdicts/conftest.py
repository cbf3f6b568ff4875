"""Helpers for the verdict tests: small repos graded through the real engine and rubric."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "facts"))

from facts_helpers import SKELETON, facts_of, write_app  # noqa: E402


@pytest.fixture
def repo_facts(tmp_path):
    """Fact id -> Fact for a repo made of {path: text} (on top of a Rails skeleton unless told)."""
    made = []

    def run(files: dict[str, str], skeleton: bool = True) -> dict:
        made.append(1)
        root = tmp_path / f"repo{len(made)}"
        root.mkdir()
        return facts_of(write_app(root, {**(SKELETON if skeleton else {}), **files}))

    return run

