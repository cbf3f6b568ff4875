"""`never_yields`: a gem method whose source can never run a block given to it, read from every release."""

import pytest

from static_checks.manifest.extract import never_yields
from static_checks.manifest.index import ManifestIndex
from static_checks.parsing import parse_ruby

SOURCE = b"""
class Client
  def plain(x) = x.to_s
  def yielder; yield self; end
  def asks_block_given; block_given? ? 1 : 2; end
  def named_block(&block) = @handlers << block
  def anonymous_block(&) = handlers.each(&)
  def forwards(...) = other(...)
  def calls_super(x); super; end
  def calls_super_with_args(x); super(x + 1); end
  def yields_in_a_block(items); items.each { |i| yield i }; end
  def lambda_only; run = -> { 1 }; run.call; end
end
"""


def _defs():
    pf = parse_ruby("lib/client.rb", SOURCE)
    cls = pf.root.named_children[0]
    body = cls.child_by_field_name("body")
    return pf, {pf.text(d.child_by_field_name("name")): d for d in body.named_children if d.type == "method"}


@pytest.mark.parametrize("name,expected", [
    ("plain", True), ("lambda_only", True),
    ("yielder", False), ("asks_block_given", False), ("named_block", False), ("anonymous_block", False),
    ("forwards", False), ("calls_super", False), ("calls_super_with_args", False), ("yields_in_a_block", False),
])
def test_never_yields_reads_the_body(name, expected):
    pf, defs = _defs()
    assert never_yields(pf, defs[name]) is expected


def test_released_gem_methods():
    idx = ManifestIndex.load("1.14.1")
    # `RubyLLM.chat(...)` forwards its block to Chat.new, whose initialize never yields
    assert idx.find_method("RubyLLM", "chat", singleton=True).never_yields
    assert idx.find_method("RubyLLM::Chat", "with_model").never_yields
    # these do run their block
    assert not idx.find_method("RubyLLM::Chat", "ask").never_yields
    assert not idx.find_method("RubyLLM", "configure", singleton=True).never_yields
    assert not idx.find_method("RubyLLM::Chat", "on_new_message").never_yields
    old = ManifestIndex.load("1.0.0")
    assert old.find_method("RubyLLM", "chat", singleton=True).never_yields


FORWARDERS = b"""
module Tiny
  class Client
    def prepare(*args, **kw)
      @prepared = args
    end

    def run(*args, **kw)
      yield args
    end

    def only_prepare(...) = prepare(...)

    def prepare_then_run(...)
      prepare(...)
      run(...)
    end

    def run_then_prepare(*args, **kw, &block)
      run(*args, **kw, &block)
      prepare(*args, **kw, &block)
    end

    def redefined(...) = prepare(...)
    def redefined(text, &blk) = blk.call(text)
  end
end
"""


@pytest.fixture
def tiny_index(tmp_path, monkeypatch):
    from static_checks.manifest import history, index
    from static_checks.manifest.extract import extract_files
    from static_checks.manifest.history import build_history, write_history

    manifest = extract_files([("lib/tiny.rb", FORWARDERS)], "tiny", "0.1.0")
    write_history(tmp_path / "tiny.json.gz", build_history("tiny", [(manifest, {})]))
    monkeypatch.setattr(history, "DATA_DIR", tmp_path)
    index._history.cache_clear()
    index._load.cache_clear()
    yield index.ManifestIndex.load("0.1.0", gem="tiny")
    index._history.cache_clear()
    index._load.cache_clear()


def test_a_method_forwarding_to_two_methods_takes_neither_ones_answer(tiny_index):
    one = tiny_index.find_method("Tiny::Client", "only_prepare")
    assert one.never_yields and one.forwards_to == "Tiny::Client#prepare"  # one target: followed
    for name in ("prepare_then_run", "run_then_prepare"):
        sig = tiny_index.find_method("Tiny::Client", name)
        assert not sig.never_yields and sig.forwards_to is None, name  # `run` yields, whatever the order


def test_a_redefinition_drops_what_the_earlier_def_forwarded_to(tiny_index):
    sig = tiny_index.find_method("Tiny::Client", "redefined")
    assert sig.forwards_to is None and not sig.never_yields
    assert [(p.kind, p.name) for p in sig.params] == [("req", "text"), ("block", "blk")]
