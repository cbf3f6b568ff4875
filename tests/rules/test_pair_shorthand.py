"""Ruby 3.1's value-less pair (`f(chat:)` means `f(chat: chat)`): read once by syntax.pair_value."""

from __future__ import annotations

from static_checks.parsing import parse_ruby
from static_checks.types.syntax import is_shorthand_key, pair_value, text
from tests.rules.test_types import _types


def _pairs(src: str):
    pf = parse_ruby("a.rb", src.encode())
    stack, out = [pf.root], []
    while stack:
        node = stack.pop()
        if node.type == "pair":
            out.append(node)
        stack.extend(node.named_children)
    return sorted(out, key=lambda n: n.start_byte)


def test_pair_value_is_the_key_only_when_the_value_is_left_out():
    short, full, rocket = _pairs("f(chat:, model: m, :x => 1)\n")
    assert pair_value(short) == short.child_by_field_name("key") and is_shorthand_key(short.child_by_field_name("key"))
    assert text(pair_value(full)) == "m" and not is_shorthand_key(full.child_by_field_name("key"))
    assert text(pair_value(rocket)) == "1" and not is_shorthand_key(rocket.child_by_field_name("key"))


def test_a_shorthand_key_carries_the_local_of_its_name():
    found = _types({"a.rb": """
        chat = RubyLLM.chat
        other = 1
        given = { chat: }
        given[:chat].ask("hi")
        named = { chat: other }
        named[:chat].ask("hi")
    """})
    assert found[("a.rb", 4, "ask")] == "RubyLLM::Chat"
    assert found[("a.rb", 6, "ask")] is None
