"""The manifest's call graph: what each gem method's body may call, and what an app can reach through it."""

from __future__ import annotations

import pytest

from static_checks.manifest import history, index
from static_checks.manifest.extract import extract_files
from static_checks.manifest.history import build_call_history, build_history, manifest_at, write_history
from static_checks.manifest.reach import reach

# A small gem of our own: a top module forwarding to classes, a per-call scope that bypasses the
# top module, a dynamic send, a value-used class, a delegate, a define_method and an alias.
GEM = b"""
module MiniLLM
  class << self
    def talk(...) = Talk.new(...)
    def vectorize(text, **opts) = Vector.compute(text, **opts)
    def scope(&block) = Scope.new(block)
  end

  class Scope
    def initialize(block) = @block = block
    def vectorize(text, **opts)
      Vector.compute(text, scope: self, **opts)
    end
    def talk(**opts) = Talk.new(**opts, scope: self)
  end

  class Vector
    def self.compute(text, scope: nil, **opts)
      backend, model = pick(opts)
      backend.compute(text, model)
    end

    def self.pick(opts) = [Backends.fetch(opts[:backend]), opts[:model]]
  end

  module Backends
    REGISTRY = { plain: Plain }
    def self.fetch(name) = REGISTRY.fetch(name)
  end

  class Plain
    def compute(text, model) = settings.public_send(model)
    def settings = Settings.new
  end

  class Registry
    def self.refresh! = Plain.new
    def refresh! = self.class.refresh!
    def build(name) = name.constantize.new
    def rebuild(name) = self.class.public_send(name)
  end

  class Talk
    extend Forwardable
    def_delegators :@history, :size
    delegate :reply_text, to: :last_reply
    def initialize(**opts) = @opts = opts
    def say(text) = (opts_scope || MiniLLM).talk.tap { |t| t.record(text) }
    alias speak say
    %w[loud quiet].each do |tone|
      define_method("say_#{tone}") { |text| say(text) }
    end
  end
end
"""


@pytest.fixture(scope="module")
def mini():
    return extract_files([("lib/mini_llm.rb", GEM)], "mini_llm", "0.1.0", "c1")


def test_edges_name_constants_self_and_unknown_receivers(mini):
    calls = mini.calls
    assert calls["MiniLLM.vectorize"] == ["MiniLLM::Vector.compute"]
    assert calls["MiniLLM::Scope#vectorize"] == ["MiniLLM::Vector.compute"]
    # a destructured local is no call on self; its method is called on an unknown receiver
    assert calls["MiniLLM::Vector.compute"] == ["?.compute", "self.pick"]
    assert calls["MiniLLM::Plain#compute"] == ["?.*", "self.settings"]  # public_send(model): name unknown
    # `(x || MiniLLM).talk`: the constant side is a known edge, the other side unknown
    assert "MiniLLM.talk" in calls["MiniLLM::Talk#say"] and "?.talk" in calls["MiniLLM::Talk#say"]
    assert calls["MiniLLM::Talk#speak"] == calls["MiniLLM::Talk#say"]  # alias runs the same body
    assert calls["MiniLLM::Talk#say_loud"] == ["self.say"]  # define_method's block is its body
    assert calls["MiniLLM::Talk#reply_text"] == ["?.reply_text", "self.last_reply"]  # delegate


def test_value_constants_are_those_stored_or_passed(mini):
    assert "MiniLLM::Plain" in mini.value_constants  # kept in a Hash: an unknown receiver may be it
    assert "MiniLLM" not in mini.value_constants  # only ever a receiver (or a receiver's alternative)
    assert "MiniLLM::Vector" not in mini.value_constants


def test_reach_follows_the_graph_and_stays_out_of_unreached_bodies(tmp_path, mini, monkeypatch):
    write_history(tmp_path / "mini_llm.json.gz", build_history("mini_llm", [(mini, {})]))
    write_history(tmp_path / "mini_llm.calls.json.gz", build_call_history("mini_llm", [(mini, {})]))
    monkeypatch.setattr(history, "DATA_DIR", tmp_path)
    index._history.cache_clear()
    index._call_history.cache_clear()
    index._load.cache_clear()
    try:
        idx = index.ManifestIndex.load("0.1.0", gem="mini_llm")
        through_scope = reach(idx, ["MiniLLM::Scope#vectorize"])
        assert "MiniLLM::Vector.compute" in through_scope.keys
        assert not through_scope.may_call_singleton(idx, "MiniLLM", "vectorize")  # the scope bypasses it
        assert through_scope.may_call_singleton(idx, "MiniLLM::Vector", "compute")
        direct = reach(idx, ["MiniLLM.vectorize"])
        assert direct.may_call_singleton(idx, "MiniLLM", "vectorize")
        assert direct.may_call_singleton(idx, "MiniLLM::Vector", "compute")
        assert reach(idx, ["MiniLLM::Talk#say"]).may_call_singleton(idx, "MiniLLM", "talk")
        assert not reach(idx, ["MiniLLM::Talk#say"]).may_call_singleton(idx, "MiniLLM", "vectorize")
    finally:
        index._history.cache_clear()
        index._call_history.cache_clear()
        index._load.cache_clear()


def test_history_keeps_each_release_graph(mini):
    later = extract_files([("lib/mini_llm.rb", GEM.replace(b"Vector.compute(text, **opts)", b"Vector.run(text)"))],
                          "mini_llm", "0.2.0", "c2")
    data = build_history("mini_llm", [(mini, {}), (later, {})])
    calls = build_call_history("mini_llm", [(mini, {}), (later, {})])
    assert manifest_at(data, "0.1.0", calls).calls["MiniLLM.vectorize"] == ["MiniLLM::Vector.compute"]
    assert manifest_at(data, "0.2.0", calls).calls["MiniLLM.vectorize"] == ["MiniLLM::Vector.run"]
    assert calls["calls"]["MiniLLM::Scope#talk"] == [[0b11, "MiniLLM::Talk.new"]]  # unchanged: stored once


def test_stored_ruby_llm_graph_context_embed_never_runs_rubyllm_embed():
    """From the gem's own source at each release: the per-call context embeds through Embedding.embed."""
    for version in ("1.6.2", "1.9.1", "1.16.0"):
        idx = index.ManifestIndex.load(version)
        assert idx.call_graph()["RubyLLM::Context#embed"] == ["RubyLLM::Embedding.embed"]
        r = reach(idx, ["RubyLLM::Context#embed"])
        assert not r.may_call_singleton(idx, "RubyLLM", "embed"), version
        assert r.may_call_singleton(idx, "RubyLLM::Embedding", "embed")
        assert reach(idx, ["RubyLLM.embed"]).may_call_singleton(idx, "RubyLLM::Embedding", "embed")


def test_calls_on_a_class_the_source_does_not_name_reach_every_body_of_that_name(tmp_path, mini, monkeypatch):
    """`self.class.refresh!` may run on any subclass, `name.constantize.new` on any class: edges that reach every
    body named m (and any initialize for `new`); `self.class.public_send(name)` reaches the class's own side."""
    assert mini.calls["MiniLLM::Registry#refresh!"] == ["class.refresh!", "self.class"]
    assert mini.calls["MiniLLM::Registry#build"] == ["*.new", "?.constantize"]
    assert "class.*" in mini.calls["MiniLLM::Registry#rebuild"]
    write_history(tmp_path / "mini_llm.json.gz", build_history("mini_llm", [(mini, {})]))
    write_history(tmp_path / "mini_llm.calls.json.gz", build_call_history("mini_llm", [(mini, {})]))
    monkeypatch.setattr(history, "DATA_DIR", tmp_path)
    index._history.cache_clear()
    index._call_history.cache_clear()
    index._load.cache_clear()
    try:
        idx = index.ManifestIndex.load("0.1.0", gem="mini_llm")
        assert reach(idx, ["MiniLLM::Registry#refresh!"]).may_call_singleton(idx, "MiniLLM::Registry", "refresh!")
        assert not reach(idx, ["MiniLLM::Registry#refresh!"]).may_call_singleton(idx, "MiniLLM", "vectorize")
        assert "MiniLLM::Scope#initialize" in reach(idx, ["MiniLLM::Registry#build"]).keys
        rebuilt = reach(idx, ["MiniLLM::Registry#rebuild"])
        assert rebuilt.may_call_singleton(idx, "MiniLLM::Registry", "refresh!")
        assert not rebuilt.may_call_singleton(idx, "MiniLLM", "vectorize")
    finally:
        index._history.cache_clear()
        index._call_history.cache_clear()
        index._load.cache_clear()


@pytest.mark.parametrize("version", ["1.6.0", "1.16.0"])
def test_stored_ruby_llm_graph_models_refresh_reaches_the_class_method(version):
    idx = index.ManifestIndex.load(version)
    assert "class.refresh!" in idx.call_graph()["RubyLLM::Models#refresh!"]
    assert reach(idx, ["RubyLLM::Models#refresh!"]).may_call_singleton(idx, "RubyLLM::Models", "refresh!")
