"""A file parsed under its time budget goes through a read callback (so tree-sitter can be stopped);
the tree the rules get must read node text from the bytes, not through that callback again."""

from __future__ import annotations

from static_checks import parsing

CLEAN = b"class Chat\n  def reply(text) = RubyLLM.chat(model: 'gpt-4o').ask(text).content\nend\n" * 50
BROKEN = b"class Broken\n  def x(\nend\n" + CLEAN


class CountingParser:
    """The real parser, counting the calls to a read callback and the parses given an old tree."""

    def __init__(self) -> None:
        self.real = parsing.ruby_parser()
        self.reads = 0
        self.reparses = 0

    def parse(self, source, *args, **kwargs):
        if kwargs.get("old_tree") is not None:
            self.reparses += 1
        if callable(source):
            read = source

            def source(offset, point):
                self.reads += 1
                return read(offset, point)
        return self.real.parse(source, *args, **kwargs)

    def reset(self) -> None:
        self.real.reset()


def _texts(pf) -> list[bytes]:
    found, stack = [], [pf.root]
    while stack:
        node = stack.pop()
        found.append(node.text)
        stack.extend(node.children)
    return found


def test_a_clean_tree_reads_its_text_from_the_bytes(monkeypatch):
    counting = CountingParser()
    monkeypatch.setattr(parsing, "ruby_parser", lambda: counting)
    pf = parsing.parse_ruby("app/chat.rb", CLEAN, deadline=parsing.file_deadline(60))
    assert counting.reads > 0 and counting.reparses == 1  # parsed under the budget, then from the bytes
    before = counting.reads
    texts = _texts(pf)
    assert counting.reads == before  # no node's text went through the callback
    assert texts[0] == CLEAN and str(pf.root) == str(counting.real.parse(CLEAN).root_node)


def test_a_tree_with_errors_is_not_parsed_again(monkeypatch):
    counting = CountingParser()
    monkeypatch.setattr(parsing, "ruby_parser", lambda: counting)
    pf = parsing.parse_ruby("app/broken.rb", BROKEN, deadline=parsing.file_deadline(60))
    assert pf.root.has_error and counting.reparses == 0  # a reparse of a broken file may cost a full parse
    assert pf.root.text == BROKEN
