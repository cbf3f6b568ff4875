"""Helpers for rule tests: write a tiny Rails-like app, run the real engine on it."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from static_checks.engine import check_path

LOCK = """GEM
  remote: https://rubygems.org/
  specs:
    ruby_llm ({version})
      faraday (>= 1.10.0)

DEPENDENCIES
  ruby_llm
"""


@pytest.fixture
def run_app(tmp_path: Path):
    """run_app({"app/x.rb": source}, version="1.16.0") -> [(file, line, rule)] of rubyllm findings."""

    def run(files: dict[str, str], version: str = "1.16.0", gemfile_extra: str = "", full: bool = False):
        gemfile = f'source "https://rubygems.org"\ngem "rails"\ngem "ruby_llm"\n{gemfile_extra}'
        (tmp_path / "Gemfile").write_text(gemfile)
        (tmp_path / "Gemfile.lock").write_text(LOCK.format(version=version))
        for rel, src in files.items():
            path = tmp_path / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(src).lstrip("\n"))
        report = check_path(tmp_path)
        found = [f for f in report.findings if f.rule.startswith("rubyllm/")]
        return found if full else [(f.file, f.line, f.rule) for f in found]

    return run
