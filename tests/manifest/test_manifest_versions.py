"""Version resolution from real Gemfile / Gemfile.lock files in a temp app."""

from __future__ import annotations

from pathlib import Path

import pytest

from static_checks.manifest.versions import resolve_version, satisfies, version_key
from static_checks.models import VersionSource

LOCK = """GEM
  remote: https://rubygems.org/
  specs:
    faraday (2.9.0)
      faraday-net_http (>= 2.0, < 3.2)
    ruby_llm (1.6.2)
      base64
      faraday (>= 1.10.0)
    ruby_llm-schema (0.2.1)

PLATFORMS
  x86_64-linux

DEPENDENCIES
  ruby_llm (~> 1.6)
"""


def app(tmp_path: Path, gemfile: str | None = None, lock: str | None = None) -> Path:
    if gemfile is not None:
        (tmp_path / "Gemfile").write_text(gemfile)
    if lock is not None:
        (tmp_path / "Gemfile.lock").write_text(lock)
    return tmp_path


def test_lock_wins(tmp_path):
    root = app(tmp_path, 'gem "ruby_llm", "~> 1.2"\n', LOCK)
    assert resolve_version(root) == ("1.6.2", VersionSource.gemfile_lock, None)


def test_lock_dependency_lines_are_not_the_gem(tmp_path):
    # "ruby_llm (~> 1.6)" under DEPENDENCIES and nested dependency lines must not be read as a version
    lock = LOCK.replace("    ruby_llm (1.6.2)\n", "")
    root = app(tmp_path, 'gem "ruby_llm", ">= 1.3", "< 1.7"\n', lock)
    assert resolve_version(root) == ("1.6.4", VersionSource.gemfile_constraint, ">= 1.3, < 1.7")


@pytest.mark.parametrize(
    "line,expected",
    [
        ('gem "ruby_llm", "~> 1.2"', "1.16.0"),  # ~> 1.2: >= 1.2, < 2.0
        ("gem 'ruby_llm', '~> 1.2.0'", "1.2.0"),  # ~> 1.2.0: >= 1.2.0, < 1.3
        ("gem 'ruby_llm', '~> 1.6.0'", "1.6.4"),
        ('gem "ruby_llm", ">= 1.3, < 1.7"', "1.6.4"),
        ('gem "ruby_llm", "1.4.0"', "1.4.0"),
        ('gem("ruby_llm", "= 1.9.1", require: false)', "1.9.1"),
        ('gem "ruby_llm", "< 1.10"', "1.9.2"),
    ],
)
def test_gemfile_constraint(tmp_path, line, expected):
    root = app(tmp_path, f'source "https://rubygems.org"\ngem "rails"\n{line}\n')
    version, source, detail = resolve_version(root)
    assert (version, source) == (expected, VersionSource.gemfile_constraint)
    assert detail


def test_unconstrained_or_missing_means_newest(tmp_path):
    root = app(tmp_path, 'gem "ruby_llm", github: "crmne/ruby_llm"\n')
    assert resolve_version(root) == ("1.16.0", VersionSource.newest_release, None)
    assert resolve_version(tmp_path / "nowhere") == ("1.16.0", VersionSource.newest_release, None)


def test_constraint_matching_nothing_says_so(tmp_path):
    version, source, detail = resolve_version(app(tmp_path, 'gem "ruby_llm", "~> 2.0"\n'))
    assert (version, source) == ("1.16.0", VersionSource.newest_release)
    assert "~> 2.0" in detail


def test_locked_unknown_version_maps_down(tmp_path):
    version, source, detail = resolve_version(app(tmp_path, lock=LOCK.replace("1.6.2", "1.1.0rc1")))
    assert (version, source) == ("1.0.1", VersionSource.gemfile_lock)
    assert "1.1.0rc1" in detail


def test_override(tmp_path):
    root = app(tmp_path, None, LOCK)
    assert resolve_version(root, override="1.3.0") == ("1.3.0", VersionSource.override, None)
    with pytest.raises(ValueError, match=r"not a known release; known: 1\.0\.0 \.\. 1\.16\.0"):
        resolve_version(root, override="1.99.0")


def test_commented_gem_line_ignored(tmp_path):
    root = app(tmp_path, '# gem "ruby_llm", "1.0.0"\ngem "ruby_llm", "1.5.0"\n')
    assert resolve_version(root)[0] == "1.5.0"


def test_requirement_semantics():
    assert satisfies("1.9.0", ["~> 1.2"]) and not satisfies("2.0.0", ["~> 1.2"])
    assert satisfies("0.3.0", ["~> 0"]) and not satisfies("1.0.0", ["~> 0"])
    assert satisfies("0.2.5", ["~> 0.2.1"]) and not satisfies("0.3.0", ["~> 0.2.1"]) and not satisfies("0.2.0", ["~> 0.2.1"])
    assert satisfies("1.5.0", [">= 1.3", "< 1.7", "!= 1.4.0"]) and not satisfies("1.4.0", [">= 1.3, != 1.4.0"])
    assert version_key("1.10.0") > version_key("1.9.2") > version_key("1.9.2rc1")
