"""Version resolution from real Gemfile / Gemfile.lock files in a temp app."""

from __future__ import annotations

from pathlib import Path

import pytest

from static_checks.manifest.versions import (
    LockEntry,
    gemspec_requirements,
    is_unreleased_source,
    lock_entry,
    resolve_schema_version,
    resolve_version,
    satisfies,
    version_key,
)
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
    root = app(tmp_path, 'gem "ruby_llm"\n')
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
    assert satisfies("0.2.5", ["~> 0.2.1"])
    assert not satisfies("0.3.0", ["~> 0.2.1"]) and not satisfies("0.2.0", ["~> 0.2.1"])
    assert satisfies("1.5.0", [">= 1.3", "< 1.7", "!= 1.4.0"]) and not satisfies("1.4.0", [">= 1.3, != 1.4.0"])
    assert version_key("1.10.0") > version_key("1.9.2") > version_key("1.9.2rc1")


# ---- GIT / PATH sources (FP-3) ------------------------------------------------------------
GIT_LOCK = """GIT
  remote: https://example.test/someone/ruby_llm.git
  revision: 0123456789abcdef0123456789abcdef01234567
  branch: main
  specs:
    ruby_llm (1.16.0)
      faraday (>= 1.10.0)

GEM
  remote: https://rubygems.org/
  specs:
    faraday (2.9.0)

DEPENDENCIES
  ruby_llm!
"""


def test_git_section_is_reported_as_git(tmp_path):
    version, source, detail = resolve_version(app(tmp_path, 'gem "ruby_llm", git: "x"\n', GIT_LOCK))
    assert (version, source) == ("1.16.0", VersionSource.git)
    assert "example.test/someone/ruby_llm.git" in detail and "@0123456" in detail and "main" in detail
    assert is_unreleased_source(source)


def test_git_section_ahead_of_releases_uses_nearest_older(tmp_path):
    lock = GIT_LOCK.replace("ruby_llm (1.16.0)", "ruby_llm (1.6.9)")
    version, source, detail = resolve_version(app(tmp_path, None, lock))
    assert (version, source) == ("1.6.4", VersionSource.git)
    assert "declares 1.6.9" in detail and "1.6.4" in detail


def test_path_section_is_reported_as_path(tmp_path):
    lock = "PATH\n  remote: ../vendor/ruby_llm\n  specs:\n    ruby_llm (1.9.1)\n\nDEPENDENCIES\n  ruby_llm!\n"
    version, source, detail = resolve_version(app(tmp_path, None, lock))
    assert (version, source) == ("1.9.1", VersionSource.path)
    assert "../vendor/ruby_llm" in detail


def test_gem_section_after_a_git_section_is_a_release(tmp_path):
    # another gem comes from git; ruby_llm itself is a rubygems release
    lock = ("GIT\n  remote: https://example.test/other.git\n  revision: abc\n  specs:\n    other (0.1.0)\n\n"
            "GEM\n  remote: https://rubygems.org/\n  specs:\n    ruby_llm (1.9.1)\n")
    version, source, _ = resolve_version(app(tmp_path, None, lock))
    assert (version, source) == ("1.9.1", VersionSource.gemfile_lock)
    assert not is_unreleased_source(source)


@pytest.mark.parametrize("line,source", [
    ('gem "ruby_llm", github: "someone/ruby_llm"', VersionSource.git),
    ("gem 'ruby_llm', :git => 'https://example.test/r.git', branch: 'main'", VersionSource.git),
    ('gem "ruby_llm", path: "../ruby_llm"', VersionSource.path),
])
def test_gemfile_git_or_path_without_lock(tmp_path, line, source):
    version, got, detail = resolve_version(app(tmp_path, line + "\n"))
    assert (version, got) == ("1.16.0", source)
    assert "no lock" in detail


def test_gemfile_git_tag_names_the_release(tmp_path):
    line = 'gem "ruby_llm", github: "someone/ruby_llm", tag: "v1.6.2"\n'
    version, source, detail = resolve_version(app(tmp_path, line))
    assert (version, source) == ("1.6.2", VersionSource.git)
    assert "tag v1.6.2" in detail
    # a branch says nothing about the number
    assert resolve_version(app(tmp_path, line.replace("tag:", "branch:")))[0] == "1.16.0"


def test_lock_entry_reads_section_details():
    entry = lock_entry(GIT_LOCK, "ruby_llm")
    assert entry == LockEntry("1.16.0", "GIT", "https://example.test/someone/ruby_llm.git",
                              "0123456789abcdef0123456789abcdef01234567", "main")
    assert lock_entry(GIT_LOCK, "faraday").section == "GEM"
    assert lock_entry(GIT_LOCK, "ruby_llm-schema") is None


# ---- gemspec constraint (FP-5) -------------------------------------------------------------
GEMSPEC = """Gem::Specification.new do |s|
  s.name = "mygem"
  s.version = "0.1.0"
  # s.add_dependency "ruby_llm", "~> 1.0.0"
  s.add_dependency "ruby_llm", "~> 1.3.0"
  s.add_development_dependency "rake", "~> 13.0"
end
"""


def test_gemspec_constraint_when_no_lock(tmp_path):
    (tmp_path / "mygem.gemspec").write_text(GEMSPEC)
    root = app(tmp_path, 'source "https://rubygems.org"\ngemspec\n')
    assert resolve_version(root) == ("1.3.1", VersionSource.gemspec_constraint, "mygem.gemspec: ~> 1.3.0")


def test_gemspec_without_gemfile(tmp_path):
    (tmp_path / "mygem.gemspec").write_text(GEMSPEC.replace('"~> 1.3.0"', "'>= 1.2', '< 1.5'"))
    assert resolve_version(tmp_path)[:2] == ("1.4.0", VersionSource.gemspec_constraint)


def test_lock_and_gemfile_constraint_beat_gemspec(tmp_path):
    (tmp_path / "mygem.gemspec").write_text(GEMSPEC)
    assert resolve_version(app(tmp_path, 'gemspec\ngem "ruby_llm", "~> 1.6.0"\n'))[:2] == (
        "1.6.4", VersionSource.gemfile_constraint)
    assert resolve_version(app(tmp_path, None, LOCK))[:2] == ("1.6.2", VersionSource.gemfile_lock)


@pytest.mark.parametrize("text,expected", [
    ('spec.add_runtime_dependency("ruby_llm", ">= 1.0", "< 2")', [">= 1.0", "< 2"]),
    ("spec.add_dependency 'ruby_llm', ['~> 1.9']", ["~> 1.9"]),
    ('spec.add_dependency "ruby_llm"', []),
    ('spec.add_dependency "ruby_llm", "~> #{RubyLLM::VERSION}"', []),
    ('spec.add_dependency "ruby_llm-schema", "~> 0.2"', None),
    ('# spec.add_dependency "ruby_llm", "~> 1.2"', None),
])
def test_gemspec_requirements(text, expected):
    assert gemspec_requirements(text, "ruby_llm") == expected


def test_unconstrained_gemspec_means_newest(tmp_path):
    (tmp_path / "x.gemspec").write_text('Gem::Specification.new { |s| s.add_dependency "ruby_llm" }\n')
    assert resolve_version(tmp_path) == ("1.16.0", VersionSource.newest_release, None)


# ---- ruby_llm-schema the app declares (FP-8) -------------------------------------------------
def test_schema_version_from_lock(tmp_path):
    assert resolve_schema_version(app(tmp_path, None, LOCK)) == "0.2.1"


def test_schema_version_from_gemfile_and_absent(tmp_path):
    assert resolve_schema_version(app(tmp_path, 'gem "ruby_llm"\n')) is None
    assert resolve_schema_version(app(tmp_path, 'gem "ruby_llm"\ngem "ruby_llm-schema", "~> 0.1.0"\n')) == "0.1.9"


def test_schema_version_unknown_pin_uses_nearest_older(tmp_path):
    lock = LOCK.replace("ruby_llm-schema (0.2.1)", "ruby_llm-schema (0.2.99)")
    assert resolve_schema_version(app(tmp_path, None, lock)) == "0.2.5"


def test_git_pin_on_a_release_commit_is_that_release(tmp_path):
    from static_checks.manifest.index import release_commits

    commit = next(c for c, v in release_commits().items() if v == "1.6.4")
    lock = GIT_LOCK.replace("0123456789abcdef0123456789abcdef01234567", commit).replace("ruby_llm (1.16.0)",
                                                                                        "ruby_llm (1.6.4)")
    version, source, detail = resolve_version(app(tmp_path, None, lock))
    assert (version, source) == ("1.6.4", VersionSource.gemfile_lock)
    assert "is release 1.6.4" in detail
    # a different commit declaring the same number stays "git"
    other = lock.replace(commit, "f" * 40)
    assert resolve_version(app(tmp_path, None, other))[1] is VersionSource.git
