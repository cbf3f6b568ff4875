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
