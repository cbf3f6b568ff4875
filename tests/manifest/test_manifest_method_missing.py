"""Manifest precision where a gem answers through method_missing, and class_attribute's full set.

The first half runs our extractor on Ruby written here (each shape the gems use, and the
shapes that must stay open); the second half asks the stored manifests about the real gems.
"""

from __future__ import annotations

import pytest

from static_checks.manifest.extract import extract_files
from static_checks.manifest.index import ManifestIndex
from static_checks.manifest.model import Manifest


def _extract(source: str) -> Manifest:
    return extract_files([("lib/toy.rb", source.encode())], "toy", "1.0.0")


REGISTRY = """
module Toy
  class Registry
    include Enumerable

    class << self
      def instance
        @instance ||= new
      end

      def reload!
        @instance = new
      end

      def method_missing(name, ...)
        if instance.respond_to?(name)
          instance.send(name, ...)
        else
          super
        end
      end

      def respond_to_missing?(name, include_private = false)
        instance.respond_to?(name, include_private) || super
      end
    end

    def initialize(items = nil)
      @items = items || []
    end

    def each(&) = @items.each(&)
    def by_kind(kind, strict: false) = self
    def reload! = :instance_side_never_reached

    private

    def secret = 1
  end
end
"""


def test_class_forwarding_to_its_instance_lists_the_instance_methods():
    ns = _extract(REGISTRY).namespaces["Toy::Registry"]
    sing = ns.singleton_methods
    assert sing["method_missing"].answers_only_listed is True
    assert sing["by_kind"].origin == "method_missing"
    assert sing["by_kind"].forwards_to == "Toy::Registry#by_kind"
    assert sing["map"].forwards_to == "Toy::Registry#map"  # Enumerable, included by the instance's class
    assert "secret" not in sing  # private on the instance: respond_to? says no
    assert "initialize" not in sing
    assert sing["reload!"].origin == "def"  # a real class method answers before method_missing


def test_forwarded_names_store_a_catch_all_the_index_replaces_with_the_target_params():
    ns = _extract(REGISTRY).namespaces["Toy::Registry"]
    # Ruby makes an instance-side respond_to_missing? private, not a singleton-side one
    assert ns.singleton_methods["respond_to_missing?"].visibility == "public"
    sig = ns.singleton_methods["by_kind"]
    assert [p.kind for p in sig.params] == ["rest", "keyrest", "block"]  # real-gem tests below resolve it


LISTED = """
module Toy
  class Shape
    extend Dsl

    def method_missing(method_name, ...)
      if respond_to_missing?(method_name)
        self.class.send(method_name, ...)
      else
        super
      end
    end

    def respond_to_missing?(method_name, include_private = false)
      %i[string number].include?(method_name) || super
    end
  end

  module Dsl
    def string(name, description: nil) = name
    def number(name) = name
  end

  class Prices
    KINDS = %i[input output].freeze

    def method_missing(method, *args)
      if respond_to_missing?(method)
        @data[method.to_sym] || Price.new
      else
        super
      end
    end

    def respond_to_missing?(method, include_private = false)
      KINDS.include?(method.to_sym) || super
    end
  end

  class Price; end
end
"""


def test_literal_name_list_sent_to_the_class_side():
    m = _extract(LISTED)
    inst = m.namespaces["Toy::Shape"].instance_methods
    assert inst["method_missing"].answers_only_listed is True
    assert inst["string"].forwards_to == "Toy::Shape.string"
    assert inst["number"].forwards_to == "Toy::Shape.number"
    assert inst["respond_to_missing?"].visibility == "private"
    assert "boolean" not in inst


def test_names_from_a_constant_answered_in_place_with_the_answer_type():
    inst = _extract(LISTED).namespaces["Toy::Prices"].instance_methods
    assert sorted(n for n, s in inst.items() if s.origin == "method_missing") == ["input", "output"]
    assert inst["input"].returns == "Toy::Price"
    assert [p.kind for p in inst["input"].params] == ["rest"]  # method_missing's own params after the name
    assert inst["method_missing"].answers_only_listed is True


@pytest.mark.parametrize("body", [
    # answers every name ending in `=` (PricingTier): open
    """
    def method_missing(method, *args)
      if method.to_s.end_with?('=')
        @values[method] = args.first
      elsif @values.key?(method)
        @values[method]
      end
    end
    """,
    # no `super` for the other names: they return nil instead of raising
    """
    def method_missing(name, *args)
      if %i[a b].include?(name)
        @h[name]
      end
    end
    """,
    # the guard reads runtime data
    """
    def method_missing(name, *args)
      if @h.key?(name)
        @h[name]
      else
        super
      end
    end
    """,
    # sent to something whose type the source does not show
    """
    def method_missing(name, ...)
      if @target.respond_to?(name)
        @target.send(name, ...)
      else
        super
      end
    end
    """,
])
def test_method_missing_shapes_we_cannot_close_stay_open(body):
    m = _extract(f"module Toy\n  class Bag\n{body}\n  end\nend\n")
    inst = m.namespaces["Toy::Bag"].instance_methods
    assert inst["method_missing"].answers_only_listed is False
    assert not [n for n, s in inst.items() if s.origin == "method_missing"]


def test_class_attribute_gives_class_and_instances_reader_writer_and_predicate():
    m = _extract("""
module Toy
  class Base
    class_attribute :limit, :kind
    class_attribute :hidden, instance_accessor: false
    class_attribute :quiet, instance_predicate: false
    class_attribute :frozen_one, instance_writer: false
  end
end
""")
    ns = m.namespaces["Toy::Base"]
    sing, inst = set(ns.singleton_methods), set(ns.instance_methods)
    for name in ("limit", "kind"):
        assert {name, f"{name}=", f"{name}?"} <= sing
        assert {name, f"{name}=", f"{name}?"} <= inst
    assert {"hidden", "hidden=", "hidden?"} <= sing and not {"hidden", "hidden=", "hidden?"} & inst
    assert "quiet?" not in sing and "quiet?" not in inst and {"quiet", "quiet="} <= inst
    assert {"frozen_one", "frozen_one?"} <= inst and "frozen_one=" not in inst
    assert [p.kind for p in ns.instance_methods["limit="].params] == ["req"]


# ---- the real gems, as stored -------------------------------------------------------


@pytest.mark.parametrize("version", ["1.0.0", "1.6.2", "1.15.0"])
def test_models_class_calls_are_the_instance_api_before_1_16(version):
    idx = ManifestIndex.load(version)
    assert not idx.has_method_missing("RubyLLM::Models", singleton=True)
    sig = idx.find_method("RubyLLM::Models", "by_provider", singleton=True)
    assert sig is not None and [p.name for p in sig.params] == ["provider"]  # args now checkable
    assert idx.find_method("RubyLLM::Models", "chat_models", singleton=True) is not None
    assert idx.find_method("RubyLLM::Models", "each", singleton=True) is not None  # Enumerable via the instance
    assert idx.find_method("RubyLLM::Models", "list_all_models", singleton=True) is None  # invented


def test_models_1_16_delegates_explicitly_and_agrees_on_the_names():
    old, new = ManifestIndex.load("1.15.0"), ManifestIndex.load("1.16.0")
    assert "method_missing" not in new.namespace("RubyLLM::Models").singleton_methods
    for name in ("chat_models", "by_provider", "find", "refresh!", "select"):
        assert old.find_method("RubyLLM::Models", name, True) is not None
        assert new.find_method("RubyLLM::Models", name, True) is not None


@pytest.mark.parametrize("version", ["1.3.0", "1.9.0", "1.15.0"])
def test_pricing_answers_only_its_four_categories(version):
    idx = ManifestIndex.load(version)
    for name in ("text_tokens", "images", "audio_tokens", "embeddings"):
        assert idx.return_type("RubyLLM::Model::Pricing", name) == "RubyLLM::Model::PricingCategory"
    assert idx.find_method("RubyLLM::Model::Pricing", "input") is None
    assert not idx.has_method_missing("RubyLLM::Model::Pricing")
    assert idx.has_method_missing("RubyLLM::Model::PricingTier")  # answers any `x=`: stays open
    assert idx.find_method("RubyLLM::Model::Pricing", "respond_to_missing?").visibility == "private"


@pytest.mark.parametrize("schema", ["0.1.0", "0.2.1", "0.2.2", "0.3.0"])
def test_schema_instance_forwards_only_its_dsl_words(schema):
    idx = ManifestIndex.load("1.16.0", schema_version=schema)
    words = {"string", "number", "integer", "boolean", "array", "object", "any_of", "null"}
    if schema >= "0.2.2":
        words.add("one_of")
    listed = {n for n, s in idx.namespace("RubyLLM::Schema").instance_methods.items()
              if s.origin == "method_missing"}
    assert listed == words
    assert not idx.has_method_missing("RubyLLM::Schema")
    assert idx.find_method("RubyLLM::Schema", "enum") is None
    assert idx.find_method("RubyLLM::Schema", "respond_to_missing?").visibility == "private"


def test_schema_instance_word_takes_the_class_dsl_signature():
    idx = ManifestIndex.load("1.16.0", schema_version="0.3.0")
    inst = idx.find_method("RubyLLM::Schema", "string")
    cls = idx.find_method("RubyLLM::Schema", "string", singleton=True)
    assert inst is not None and cls is not None and inst.params == cls.params


@pytest.mark.parametrize("version", ["1.7.0", "1.16.0"])
def test_acts_as_class_attributes_reach_instances(version):
    idx = ManifestIndex.load(version)
    for macro in ("acts_as_chat", "acts_as_message", "acts_as_tool_call"):  # the new API (legacy uses ivars)
        ns = idx.acts_as_methods(macro, new_api=True)
        sing = idx.namespace(ns).singleton_methods
        inst = idx.namespace(ns).instance_methods
        attrs = [n for n, s in sing.items() if s.origin == "macro" and not n.endswith(("=", "?"))]
        assert attrs, ns
        for a in attrs:
            assert {a, f"{a}=", f"{a}?"} <= set(inst), (ns, a)
            assert f"{a}?" in sing
