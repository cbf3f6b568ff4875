"""Which class-body calls define methods: one answer, in models_world/declarations.py."""

from __future__ import annotations

from static_checks.models_world.declarations import (
    MAY_DEFINE_UNSEEN,
    NO_INSTANCE_METHODS,
    harmless_class_body_calls,
    may_define_methods,
)


def test_calls_that_may_define_unseen_methods_are_never_harmless():
    harmless = harmless_class_body_calls()
    assert {"validates", "rescue_from", "attr_accessor", "puts"} <= harmless  # Rails/Ruby class methods
    assert not harmless & MAY_DEFINE_UNSEEN
    assert {"class_eval", "define_method", "delegate_missing_to", "included"} <= MAY_DEFINE_UNSEEN
    assert not NO_INSTANCE_METHODS & MAY_DEFINE_UNSEEN


def test_code_not_walked_is_read_for_words_that_may_define_methods():
    assert may_define_methods("def self.setup = define_method(:x) { 1 }")
    assert may_define_methods("Registry.include(Helpers)")
    assert may_define_methods("attr_accessor :name")
    assert not may_define_methods("def self.label = name.titleize")
    assert not may_define_methods("Registry.register(:weather)")
