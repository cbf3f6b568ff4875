"""ActiveSupport's Module/Class extensions count as present on gem classes and modules (FP-2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from static_checks.engine import check_path
from static_checks.manifest import core
from static_checks.manifest.index import ManifestIndex


@pytest.fixture(scope="module")
def idx() -> ManifestIndex:
    return ManifestIndex.load("1.16.0")


@pytest.mark.parametrize("name", ["descendants", "subclasses", "class_attribute", "module_parent",
                                  "module_parent_name", "cattr_accessor", "mattr_reader", "delegate"])
def test_class_side_has_activesupport_methods(idx, name):
    sig = idx.find_method("RubyLLM::Tool", name, singleton=True)
    assert sig is not None and sig.origin == "core"


@pytest.mark.parametrize("name", ["module_parent", "mattr_accessor", "delegate", "included"])
def test_module_side_has_module_extensions(idx, name):
    assert idx.namespace("RubyLLM").kind == "module"
    assert idx.find_method("RubyLLM", name, singleton=True) is not None


@pytest.mark.parametrize("name", ["class_attribute", "descendants"])
def test_class_only_extensions_are_not_on_modules(idx, name):
    assert idx.find_method("RubyLLM", name, singleton=True) is None


@pytest.mark.parametrize("name", ["descendants", "module_parent", "class_attribute"])
def test_instances_do_not_get_class_extensions(idx, name):
    assert idx.find_method("RubyLLM::Chat", name) is None


def test_invented_class_method_still_missing(idx):
    assert idx.find_method("RubyLLM::Tool", "all_tools", singleton=True) is None
    assert idx.find_method("RubyLLM::Tool", "descendants_of", singleton=True) is None


def test_lists_have_no_duplicates_and_no_core_overlap():
    names = core.ACTIVESUPPORT_MODULE + core.ACTIVESUPPORT_CLASS + core.ACTIVESUPPORT_CONCERN
    assert len(names) == len(set(names))
    assert "instance_method" not in names  # core already has it; the list is ActiveSupport's additions only


def _app(root: Path, ruby: str) -> Path:
    (root / "app/models").mkdir(parents=True)
    (root / "Gemfile").write_text('source "https://rubygems.org"\ngem "rails"\ngem "ruby_llm"\n')
    (root / "Gemfile.lock").write_text("GEM\n  remote: https://rubygems.org/\n  specs:\n    ruby_llm (1.16.0)\n")
    (root / "app/models/registry.rb").write_text(ruby)
    return root


def test_check_accepts_explicit_receiver_extensions(tmp_path):
    ruby = ("class Registry\n"
            "  def all = RubyLLM::Tool.descendants.map(&:name)\n"
            "  def parent = RubyLLM::Chat.module_parent\n"
            "  def setup = RubyLLM::Tool.class_attribute(:registry_key)\n"
            "end\n")
    report = check_path(_app(tmp_path, ruby))
    assert [f for f in report.findings if f.category.value == "api-hallucination"] == []


def test_check_still_flags_invented_class_method(tmp_path):
    ruby = "class Registry\n  def all = RubyLLM::Tool.registered_tools\nend\n"
    report = check_path(_app(tmp_path, ruby))
    assert [f.rule for f in report.findings] == ["rubyllm/unknown-method"]
    assert "registered_tools" in report.findings[0].message


def test_one_activesupport_list_is_the_superset_of_both_old_ones():
    """The rules' class-body macros and the manifest's ActiveSupport lists were kept by hand twice,
    with different contents; both now come from manifest.core."""
    from static_checks.rules.model.vocabulary import RAILS_CLASS_BODY_MACROS

    old_rules_list = {
        "delegate", "delegate_missing_to", "class_attribute", "cattr_accessor", "cattr_reader",
        "cattr_writer", "mattr_accessor", "mattr_reader", "mattr_writer", "thread_mattr_accessor",
        "thread_cattr_accessor", "attr_internal", "attr_internal_accessor", "attr_internal_reader",
        "attr_internal_writer", "redefine_method", "silence_redefinition_of_method", "module_parent",
        "module_parent_name", "deprecate", "concerning", "included", "class_methods", "prepended",
        "extended", "inherited", "alias_attribute", "define_model_callbacks", "define_callbacks",
        "set_callback", "run_callbacks", "rescue_from", "validates", "validate", "attribute",
    }
    manifest_lists = set(core.ACTIVESUPPORT_MODULE + core.ACTIVESUPPORT_CLASS + core.ACTIVESUPPORT_CONCERN)
    assert RAILS_CLASS_BODY_MACROS == core.class_body_macros()
    assert old_rules_list <= RAILS_CLASS_BODY_MACROS and manifest_lists <= RAILS_CLASS_BODY_MACROS
    # what the rules list lacked: ActiveSupport's per-thread readers/writers, module_parents, concern...
    assert {"thread_cattr_reader", "module_parents", "concern", "remove_possible_method"} <= RAILS_CLASS_BODY_MACROS
