"""Calls on a constant, read once per file (FileScan.const_calls) for both of their askers."""

from __future__ import annotations

import textwrap

from static_checks.parsing import parse_ruby
from static_checks.types.project import _called_classes
from static_checks.types.scan import scan_file

SRC = textwrap.dedent("""
    class Runner
      def go(chat)
        Reply.new(chat)
        Llm::Drafts.run(chat, tone: :dry)
        ::Top.call(chat)
        Message.where(role: chat)
        Plain.new("literal", 1)
        chat.ask("hi")
        helper.new(chat)
      end
    end
""").lstrip()


def _scan():
    return scan_file(parse_ruby("app/services/runner.rb", SRC.encode()))


def test_each_call_on_a_constant_is_listed_with_its_name_and_constant():
    found = [(name, path, call.start_point[0] + 1) for call, _scope, name, path in _scan().const_calls]
    assert found == [("new", "Reply", 3), ("run", "Llm::Drafts", 4), ("call", "Top", 5), ("where", "Message", 6),
                     ("new", "Plain", 7)]


def test_classes_handed_values_are_those_called_with_more_than_literals_and_not_by_a_finder():
    assert _called_classes(_scan()) == {"Reply", "Drafts", "Top"}
