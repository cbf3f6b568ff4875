"""The app's own ruby_llm-schema pin is merged into the index, whatever the ruby_llm release (FP-8)."""

from __future__ import annotations

from pathlib import Path

import pytest

from static_checks.engine import check_path
from static_checks.manifest.index import ManifestIndex


def test_pinned_schema_defines_helpers_before_ruby_llm_19():
    idx = ManifestIndex.load("1.6.4", schema_version="0.2.5")
    assert idx.schema_version == "0.2.5"
    assert idx.has_constant("RubyLLM::Helpers") and idx.has_constant("RubyLLM::Schema")
    assert idx.find_method("RubyLLM::Helpers", "schema") is not None
    assert idx.gem_of("RubyLLM::Helpers") == "ruby_llm-schema"
    assert idx.gem_of("RubyLLM::Chat") == "ruby_llm"


def test_without_pin_old_ruby_llm_has_no_schema_gem():
    idx = ManifestIndex.load("1.6.4")
    assert idx.schema_version is None
    assert not idx.has_constant("RubyLLM::Helpers")
    assert idx.gem_of("RubyLLM::Helpers") is None
    # "added in 1.9.0": the first ruby_llm that depends on ruby_llm-schema
    assert idx.versions_with_constant("RubyLLM::Helpers")[0] == "1.9.0"


def test_pin_overrides_the_implied_schema_release():
    assert ManifestIndex.load("1.16.0").schema_version == "0.3.0"
    assert ManifestIndex.load("1.16.0", schema_version="0.2.1").schema_version == "0.2.1"


def test_versions_across_releases_keep_the_pin():
    # with the app's schema pinned, every ruby_llm release sees it: no false "added in 1.9.0"
    idx = ManifestIndex.load("1.6.4", schema_version="0.2.5")
    assert idx.versions_with_constant("RubyLLM::Helpers")[0] == "1.0.0"
    assert idx.versions_with_method("RubyLLM::Helpers", "schema")[0] == "1.0.0"
    # ruby_llm's own symbols still vary by ruby_llm release
    assert idx.versions_with_method("RubyLLM::Chat", "with_schema")[0] != "1.0.0"


def test_schema_release_evidence_names_schema_releases():
    # `one_of` came with ruby_llm-schema 0.2.2: an app pinned to 0.2.1 lacks it in every ruby_llm
    # release, and the schema gem's own releases say where it is
    idx = ManifestIndex.load("1.10.0", schema_version="0.2.1")
    dsl = "RubyLLM::Schema::DSL::ComplexTypes"
    assert idx.find_method(dsl, "one_of") is None
    assert idx.versions_with_method(dsl, "one_of") == []
    assert idx.schema_versions_with_method(dsl, "one_of") == ["0.2.2", "0.2.3", "0.2.4", "0.2.5", "0.3.0"]
    assert ManifestIndex.load("1.10.0").find_method(dsl, "one_of") is not None  # implied: newest ~> 0.2.1
    assert idx.schema_versions_with_constant("RubyLLM::Schema::JsonOutput")[0] != "0.1.0"
    assert idx.schema_versions_with_constant("RubyLLM::Chat") == []


def test_unknown_schema_release_is_a_clear_error():
    with pytest.raises(ValueError, match="ruby_llm-schema '9.9.9' is not a known release"):
        ManifestIndex.load("1.6.4", schema_version="9.9.9")


CONTROLLER = """require "ruby_llm/schema"
class StoriesController < ApplicationController
  include RubyLLM::Helpers
  def create
    shape = schema("story") { string :title }
    render json: RubyLLM.chat.with_schema(shape).ask("Tell a story").content
  end
end
"""


def _app(root: Path, specs: str) -> Path:
    (root / "app/controllers").mkdir(parents=True)
    (root / "Gemfile").write_text('source "https://rubygems.org"\ngem "rails"\ngem "ruby_llm"\n')
    (root / "Gemfile.lock").write_text(f"GEM\n  remote: https://rubygems.org/\n  specs:\n{specs}\n")
    (root / "app/controllers/stories_controller.rb").write_text(CONTROLLER)
    return root


def test_check_knows_helpers_when_lock_pins_schema(tmp_path):
    report = check_path(_app(tmp_path, "    ruby_llm (1.6.4)\n    ruby_llm-schema (0.2.5)"))
    assert [f.rule for f in report.findings if f.category.value == "api-hallucination"] == []


def test_check_flags_helpers_without_schema_gem(tmp_path):
    # ruby_llm 1.6.4 alone has no RubyLLM::Helpers and nothing adds it
    report = check_path(_app(tmp_path, "    ruby_llm (1.6.4)"))
    rules = [f.rule for f in report.findings if f.category.value == "api-hallucination"]
    assert "rubyllm/version-mismatch" in rules
