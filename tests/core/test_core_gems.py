"""One parser each for Gemfile.lock, Gemfile, gemspec and the Ruby version, used by every stage."""

from __future__ import annotations

from grader.core.gems import gemfile_gem, gemspec_requirements, parse_lockfile, ruby_version, ruby_version_claims
from grader.core.redact import mask, redact
from grader.core.repo import RepoReader
from grader.core.semver import satisfies, version_key

LOCK = """GIT
  remote: https://github.com/crmne/ruby_llm.git
  revision: 0123456789abcdef
  branch: main
  specs:
    ruby_llm (1.7.0)
      faraday (>= 1.10.0)

GEM
  remote: https://rubygems.org/
  specs:
    faraday (2.9.0)
    nokogiri (1.16.0-x86_64-linux)
      racc (~> 1.4)
    rubocop (1.60.0)

PLATFORMS
  x86_64-linux

DEPENDENCIES
  ruby_llm!

RUBY VERSION
   ruby 3.3.0p0

BUNDLED WITH
   2.5.3
"""


def test_lockfile_specs_sections_and_ruby():
    lock = parse_lockfile(LOCK)
    spec = lock.spec("ruby_llm")
    assert (spec.section, spec.version, spec.remote, spec.revision, spec.ref, spec.line) == (
        "GIT", "1.7.0", "https://github.com/crmne/ruby_llm.git", "0123456789abcdef", "main", 6)
    assert lock.versions()["nokogiri"] == ("1.16.0", 13)
    assert "racc" not in lock.versions()  # a dependency line, not a spec
    assert (lock.ruby, lock.ruby_line) == ("3.3.0", 24)
    assert lock.from_registry("rubocop", ("https://rubygems.org",))
    assert not lock.from_registry("ruby_llm", ("https://rubygems.org",))


def test_gemfile_and_gemspec_lines():
    line = gemfile_gem('source "x"\ngem "ruby_llm", "~> 1.6", github: "crmne/ruby_llm" # llm\n', "ruby_llm")
    assert (line.requirements, line.options, line.line) == (["~> 1.6"], {"github": "crmne/ruby_llm"}, 2)
    assert gemfile_gem("# gem 'ruby_llm'\n", "ruby_llm") is None
    assert gemspec_requirements('s.add_dependency "ruby_llm", ">= 1.2", "< 2"\n', "ruby_llm") == [">= 1.2", "< 2"]


def test_semver():
    assert satisfies("1.9.2", ["~> 1.9"]) and not satisfies("2.0.0", ["~> 1.9"])
    assert satisfies("1.2.9", ["~> 1.2.3"]) and not satisfies("1.3.0", ["~> 1.2.3"])
    assert version_key("1.1.0rc1") < version_key("1.1.0") < version_key("1.10.0")


def _app(tmp_path, files):
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    return RepoReader(tmp_path)


def test_ruby_version_precedence_is_one_list(tmp_path):
    reader = _app(tmp_path, {"Dockerfile": "ARG RUBY_VERSION=3.4.7\nFROM ruby:$RUBY_VERSION-slim\n",
                             ".ruby-version": "ruby-3.3.1\n", "Gemfile": '  ruby "~> 3.2.0"\n', "Gemfile.lock": LOCK})
    claims = ruby_version_claims(reader)
    assert [(c.source, c.version, c.number) for c in claims] == [
        ("dockerfile_arg", "3.4.7", "3.4.7"), ("ruby_version_file", "ruby-3.3.1", "3.3.1"),
        ("gemfile", "3.2.0", "3.2.0"), ("gemfile_lock", "3.3.0", "3.3.0")]
    assert claims[2].evidence.column == 3 and claims[2].evidence.line == 1
    assert ruby_version(reader) == "3.4.7"


def test_ruby_version_skips_tags_without_a_number(tmp_path):
    reader = _app(tmp_path, {"Dockerfile": "FROM ruby:latest\n", "Gemfile.lock": LOCK})
    assert [c.source for c in ruby_version_claims(reader)] == ["dockerfile_from", "gemfile_lock"]
    assert ruby_version(reader) == "3.3.0"


def test_runtime_and_facts_agree_on_the_ruby(tmp_path):
    from grader.runtime.profiles import ruby_version as runtime_ruby

    _app(tmp_path, {"Dockerfile": "FROM ruby:3.4.1-slim\n", ".ruby-version": "3.2.2\n"})
    assert runtime_ruby(tmp_path) == "3.4.1"  # the Dockerfile's image wins, as in the ruby.version fact


def test_redaction_lives_in_the_kernel():
    import grader.report.redact as old

    key = "sk-or-v1-" + "a1B2c3D4" * 8
    assert old.redact is redact and mask(key) == f"sk-or-v1-****({len(key)} chars)"
    assert redact(f"KEY={key}", ".env") == "KEY=****" and key not in redact(f"x = '{key}'")
