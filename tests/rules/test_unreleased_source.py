"""Findings that rest on "no release has it" are unverifiable when ruby_llm comes from git or a path."""

from __future__ import annotations

from static_checks.engine import check_path

GIT_LOCK = """GIT
  remote: https://github.com/example/ruby_llm.git
  revision: 0123456789abcdef0123456789abcdef01234567
  branch: main
  specs:
    ruby_llm (1.16.0)

GEM
  remote: https://rubygems.org/
  specs:
    rails (8.0.0)

DEPENDENCIES
  ruby_llm!
"""
GEM_LOCK = GIT_LOCK.split("\n\n", 1)[1].replace("    rails (8.0.0)", "    ruby_llm (1.16.0)")
APP = """class Flow
  def run = RubyLLM.render_template(:hi)
  def two = RubyLLM.chat(bogus_kw: 1)
end
"""


def _run(tmp_path, lock):
    (tmp_path / "Gemfile").write_text('gem "ruby_llm", github: "example/ruby_llm"\n')
    (tmp_path / "Gemfile.lock").write_text(lock)
    (tmp_path / "app").mkdir(exist_ok=True)
    (tmp_path / "app/flow.rb").write_text(APP)
    return {f.rule: f for f in check_path(tmp_path).findings if f.rule.startswith("rubyllm/")}


def test_git_source_turns_absence_into_unverifiable_info(tmp_path):
    found = _run(tmp_path, GIT_LOCK)
    miss = found["rubyllm/unknown-method"]
    assert (miss.severity.value, miss.category.value) == ("info", "unverifiable")
    assert "unreleased ruby_llm from git at 0123456" in miss.message
    # a wrong keyword on a method every release has keeps its severity, with the caveat
    bad = found["rubyllm/wrong-arguments"]
    assert bad.severity.value == "error" and "ruby_llm comes from" in bad.evidence


def test_released_gem_keeps_errors(tmp_path):
    found = _run(tmp_path, GEM_LOCK)
    miss = found["rubyllm/unknown-method"]
    assert (miss.severity.value, miss.category.value) == ("error", "api-hallucination")
    assert "unreleased" not in miss.message


def test_lock_without_ruby_llm_means_another_gem_provides_it(tmp_path):
    # e.g. a renamed fork: `gem "other_llm", git: ...` defines RubyLLM with APIs of its own
    (tmp_path / "Gemfile").write_text('gem "other_llm", git: "https://example.invalid/other_llm.git"\n')
    (tmp_path / "Gemfile.lock").write_text(GIT_LOCK.replace("ruby_llm", "other_llm"))
    (tmp_path / "app").mkdir()
    (tmp_path / "app/flow.rb").write_text(APP)
    report = check_path(tmp_path)
    assert report.roots[0].version_source.value == "not in Gemfile.lock"
    found = {f.rule: f for f in report.findings if f.rule.startswith("rubyllm/")}
    miss = found["rubyllm/unknown-method"]
    assert (miss.severity.value, miss.category.value) == ("info", "unverifiable")
    assert "bundles no ruby_llm" in miss.message
    assert found["rubyllm/wrong-arguments"].severity.value == "error"  # binding rules keep their verdict


def test_no_lock_and_no_declaration_still_checks_against_newest(tmp_path):
    (tmp_path / "app").mkdir()
    (tmp_path / "app/flow.rb").write_text(APP)
    report = check_path(tmp_path)
    assert report.roots[0].version_source.value == "newest release"
    assert {f.rule: f for f in report.findings}["rubyllm/unknown-method"].severity.value == "error"


def test_gemfile_gem_missing_from_the_lock_is_the_real_gem_not_a_fork(tmp_path):
    # `gem "ruby_llm"` added to the Gemfile but never bundled: the lock lists other gems only
    (tmp_path / "Gemfile").write_text('source "https://rubygems.org"\ngem "rails"\ngem "ruby_llm"\n')
    (tmp_path / "Gemfile.lock").write_text(GEM_LOCK.replace("ruby_llm", "rails"))
    (tmp_path / "app").mkdir()
    (tmp_path / "app/flow.rb").write_text(APP)
    report = check_path(tmp_path)
    assert report.roots[0].version_source.value != "not in Gemfile.lock"
    miss = {f.rule: f for f in report.findings}["rubyllm/unknown-method"]
    assert (miss.severity.value, miss.category.value) == ("error", "api-hallucination")
